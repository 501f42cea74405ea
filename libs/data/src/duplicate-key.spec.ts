import { isDuplicateKeyError } from './duplicate-key';

describe('isDuplicateKeyError', () => {
  it('recognises a single write refused by a unique index', () => {
    expect(isDuplicateKeyError(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }))).toBe(true);
  });

  it('recognises a bulk write whose every failure is a duplicate, however the driver nests the code', () => {
    expect(isDuplicateKeyError({ code: 11000, writeErrors: [{ code: 11000 }, { err: { code: 11000 } }] })).toBe(true);
  });

  it('rejects a bulk write with any other failure among the duplicates', () => {
    expect(isDuplicateKeyError({ code: 11000, writeErrors: [{ code: 11000 }, { code: 121 }] })).toBe(false);
  });

  it('rejects other errors and non-errors', () => {
    expect(isDuplicateKeyError(Object.assign(new Error('document failed validation'), { code: 121 }))).toBe(false);
    expect(isDuplicateKeyError(new Error('E11000 in the message only'))).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
    expect(isDuplicateKeyError(undefined)).toBe(false);
  });
});
