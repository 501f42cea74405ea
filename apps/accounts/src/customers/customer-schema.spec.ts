import { createConnection, type Connection } from 'mongoose';
import { CustomerSchema, type CustomerSchemaPart } from './customer-schema';

// Compiling a model needs a connection object, not a server: these connections never connect.
const connections: Connection[] = [];
const unconnected = () => {
  const connection = createConnection();
  connections.push(connection);
  return connection;
};
afterAll(() => Promise.all(connections.map((c) => c.close())));

const rating: CustomerSchemaPart = {
  plugin: 'rating',
  fields: { rating: { type: Number, default: null } },
  indexes: (schema) => schema.index({ rating: 1, _id: 1 }),
};

describe('the customer schema extension point', () => {
  it('compiles the model with the fields and indexes extension plugins added', () => {
    const schema = new CustomerSchema(unconnected());
    schema.extend(rating);
    const model = schema.model;
    expect(model.schema.path('rating')?.instance).toBe('Number');
    expect(model.schema.path('name')?.instance).toBe('String');
    expect(model.schema.indexes()).toContainEqual([{ rating: 1, _id: 1 }, expect.anything()]);
    expect(schema.model).toBe(model);
  });

  it('refuses a part once the model is compiled, since mongoose would not see it', () => {
    const schema = new CustomerSchema(unconnected());
    void schema.model;
    expect(() => schema.extend(rating)).toThrow('rating extends the customer schema after its model was compiled');
  });

  it('refuses a field the schema already has (core or another plugin)', () => {
    const schema = new CustomerSchema(unconnected());
    schema.extend(rating);
    expect(() => schema.extend({ plugin: 'shadow', fields: { name: String, rating: Number } })).toThrow('shadow adds customer fields the schema already has: name, rating');
  });

  it('gives each service start its own schema', () => {
    const extended = new CustomerSchema(unconnected());
    extended.extend(rating);
    void extended.model;
    expect(new CustomerSchema(unconnected()).model.schema.path('rating')).toBeUndefined();
  });
});
