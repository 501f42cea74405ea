import type { CustomerSchemaPart } from '../customers/customer-schema';
import type { CustomerRecord } from '../customers/customer.model';
import type { DuplicateMatch } from '../duplicates/duplicates.model';
import type { ImportProblem, ImportRowStatus } from './customer-import-rules';

declare module '../customers/customer.model' {
  interface CustomerRecord {
    /** The key of the import row it came from (customer-import-rules `importKey`); absent when created otherwise. */
    importKey?: string | null;
  }
}

/** The import key on the customer: unique, so a row imported once is never written again. */
export const customerImportSchemaPart: CustomerSchemaPart = {
  plugin: 'customer-import',
  fields: { importKey: { type: String } },
  indexes(schema) {
    schema.index({ importKey: 1 }, { unique: true, sparse: true });
  },
};

/** A customer or an earlier row that a row may duplicate (CustomerImportDuplicate). */
export interface ImportDuplicateRecord {
  line: number | null;
  customer: CustomerRecord | null;
  importKey: string | null;
  matchedOn: DuplicateMatch[];
}

/** What became of one row (CustomerImportRowResult). */
export interface ImportRowResultRecord {
  line: number;
  status: ImportRowStatus;
  importKey: string | null;
  customer: CustomerRecord | null;
  errors: ImportProblem[];
  possibleDuplicates: ImportDuplicateRecord[];
}
