import type { Connection, Model, Schema, SchemaDefinition } from 'mongoose';
import { customerCoreSchema, type CustomerRecord } from './customer.model';

/** An extension plugin's part of the customer document: its fields and the indexes its lists and jobs need. */
export interface CustomerSchemaPart {
  /** The plugin that adds the part (named in errors). */
  plugin: string;
  fields: SchemaDefinition;
  indexes?(schema: Schema): void;
}

/**
 * The customer schema of one service start, which the customers plugin provides. Extension plugins add their
 * parts while they register (they use customersToken, so they register after it); the model compiles on first
 * use, and a part added after that is refused, since mongoose takes a schema's paths when it compiles it.
 */
export class CustomerSchema {
  private readonly schema = customerCoreSchema();
  private compiled: Model<CustomerRecord> | undefined;

  constructor(private readonly connection: Connection) {}

  extend(part: CustomerSchemaPart): void {
    if (this.compiled) throw new Error(`${part.plugin} extends the customer schema after its model was compiled; extend it while registering`);
    const taken = Object.keys(part.fields).filter((field) => this.schema.pathType(field) !== 'adhocOrUndefined');
    if (taken.length > 0) throw new Error(`${part.plugin} adds customer fields the schema already has: ${taken.join(', ')}`);
    this.schema.add(part.fields as SchemaDefinition<CustomerRecord>);
    part.indexes?.(this.schema as Schema);
  }

  /** The model, compiled on the first call (the kernel asks for it once every plugin has registered). */
  get model(): Model<CustomerRecord> {
    return (this.compiled ??= this.connection.model<CustomerRecord>('Customer', this.schema, 'customers'));
  }
}
