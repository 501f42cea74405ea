import { createHash } from 'node:crypto';
import {
  canonicalColumn,
  columnOfField,
  headerProblems,
  importColumns,
  naturalKey,
  parseCsv,
  prepareRow,
  requiredColumns,
  rowProblems,
  startLines,
  summarise,
} from './customer-import-rules';

describe('customer import: columns', () => {
  it('reads a header whatever its case, spacing, underscores or dashes', () => {
    expect(canonicalColumn('Contact phone')).toBe('contactPhone');
    expect(canonicalColumn('contact_phone')).toBe('contactPhone');
    expect(canonicalColumn('CONTACT-PHONE')).toBe('contactPhone');
    expect(canonicalColumn(' listType ')).toBe('listType');
    // Full-width letters are the same letters (NFKC).
    expect(canonicalColumn('ｎａｍｅ')).toBe('name');
    expect(canonicalColumn('colour')).toBeNull();
    expect(canonicalColumn('')).toBeNull();
  });

  it('knows every column by its own name', () => {
    for (const column of Object.keys(importColumns)) expect(canonicalColumn(column)).toBe(column);
    expect(requiredColumns).toEqual(['name', 'kind', 'listType']);
  });

  it('lists every problem of a header at once: unknown, repeated and missing columns', () => {
    expect(headerProblems(['name', 'kind', 'listType'], 'input.csv')).toEqual([]);
    expect(headerProblems(['Name', 'Colour', 'kind', 'NAME'], 'input.csv')).toEqual([
      { field: 'input.csv', message: expect.stringMatching(/^unknown column "Colour" \(column 2\); the columns are externalId, name, kind, /) },
      { field: 'input.csv', message: 'column name appears twice (columns 1 and 4)' },
      { field: 'input.csv', message: 'the listType column is missing' },
    ]);
    expect(headerProblems([], 'input.columns').map((p) => p.message)).toEqual(['the name column is missing', 'the kind column is missing', 'the listType column is missing']);
  });
});

describe('customer import: a row as createCustomer input', () => {
  const columns = ['externalId', 'name', 'kind', 'listType', 'contactName', 'contactPhone', 'registrationNumber', 'employeeCount', 'partnerIds', 'gender', 'ownerId'];

  it('puts each cell where createCustomer reads it, enums upper-cased, numbers as numbers, lists split', () => {
    const row = prepareRow(columns, { line: 7, cells: ['E-1', ' Acme Tools ', 'organisation', 'special enterprise', 'Gu Wen', '+86 21 5123 4567', '9131-0000', '250', 'P-1; P-2|P-3;', '', 'alice'] });
    expect(row).toEqual({
      line: 7,
      input: {
        name: 'Acme Tools',
        kind: 'ORGANISATION',
        listType: 'SPECIAL_ENTERPRISE',
        contacts: [{ name: 'Gu Wen', phone: '+86 21 5123 4567' }],
        organisation: { registrationNumber: '9131-0000', employeeCount: 250 },
        partnerIds: ['P-1', 'P-2', 'P-3'],
        ownerId: 'alice',
      },
      filled: ['externalId', 'name', 'kind', 'listType', 'contactName', 'contactPhone', 'registrationNumber', 'employeeCount', 'partnerIds', 'ownerId'],
      importKey: 'ext:E-1',
      externalKey: true,
      problems: [],
    });
  });

  it('maps every column to its member of createCustomer\'s input', () => {
    const cells: Record<string, string> = {
      externalId: 'E-2', name: 'Acme', kind: 'ORGANISATION', listType: 'ENTERPRISE', industry: 'Retail', region: 'East', address: '1 Road',
      tradingSince: '2020-01-01', ownerId: 'alice', partnerIds: 'P-1', contactName: 'Gu', contactTitle: 'Buyer', contactPhone: '13800000001',
      contactEmail: 'gu@acme.example', registrationNumber: 'R-1', enterpriseNature: 'PRIVATE', companySize: 'SMALL', employeeCount: '5',
      establishedOn: '2019-05-01', legalRepresentative: 'Li', gender: 'FEMALE', birthday: '1990-01-01', occupation: 'Teacher', category: 'KEY',
      importance: 'GENERAL', loyalty: 'LOYAL', route: 'Fair', firstContactAt: '2024-01-01T00:00:00Z', competitorNotes: 'None', industryNotes: 'Busy',
    };
    expect(Object.keys(cells)).toEqual(Object.keys(importColumns));
    const row = prepareRow(Object.keys(cells), { line: 2, cells: Object.values(cells) });
    expect(row.input).toEqual({
      name: 'Acme', kind: 'ORGANISATION', listType: 'ENTERPRISE', industry: 'Retail', region: 'East', address: '1 Road', tradingSince: '2020-01-01',
      ownerId: 'alice', partnerIds: ['P-1'],
      contacts: [{ name: 'Gu', title: 'Buyer', phone: '13800000001', email: 'gu@acme.example' }],
      organisation: { registrationNumber: 'R-1', enterpriseNature: 'PRIVATE', companySize: 'SMALL', employeeCount: 5, establishedOn: '2019-05-01', legalRepresentative: 'Li' },
      individual: { gender: 'FEMALE', birthday: '1990-01-01', occupation: 'Teacher' },
      category: 'KEY', importance: 'GENERAL', loyalty: 'LOYAL', route: 'Fair', firstContactAt: '2024-01-01T00:00:00Z', competitorNotes: 'None', industryNotes: 'Busy',
    });
    expect(row.filled).toEqual(Object.keys(importColumns));
  });

  it('reads a cell missing at the end of a short row as no value', () => {
    const row = prepareRow(['name', 'kind', 'externalId'], { line: 4, cells: ['A'] });
    expect(row.input).toEqual({ name: 'A' });
    expect(row.filled).toEqual(['name']);
    expect(row).toMatchObject({ importKey: naturalKey({ name: 'A' }), externalKey: false });
  });

  it('leaves a number that does not read as one as text, for createCustomer\'s rule to refuse', () => {
    const cells = ['', 'A', 'ORGANISATION', 'ENTERPRISE', '', '', '', '', '', '', ''];
    const at = (value: string) => {
      const row = [...cells];
      row[7] = value;
      return (prepareRow(columns, { line: 2, cells: row }).input.organisation as Record<string, unknown>).employeeCount;
    };
    expect(at('12')).toBe(12);
    expect(at('-3')).toBe(-3);
    expect(at('+4')).toBe(4);
    expect(at('2.5')).toBe(2.5);
    expect(at('2.55')).toBe(2.55);
    expect(at('12 people')).toBe('12 people');
    expect(at('1e3')).toBe('1e3');
    expect(at('.5')).toBe('.5');
  });

  it('spells enums as the schema does (spaces and dashes become underscores)', () => {
    const row = prepareRow(['name', 'kind', 'listType', 'gender'], { line: 2, cells: ['A', 'individual', 'business - partner', 'fe male'] });
    expect(row.input).toMatchObject({ kind: 'INDIVIDUAL', listType: 'BUSINESS_PARTNER', individual: { gender: 'FE_MALE' } });
  });

  it('fills an empty owner with the default owner, never a given one', () => {
    expect(prepareRow(['name', 'ownerId'], { line: 2, cells: ['A', ''] }, 'bob').input.ownerId).toBe('bob');
    expect(prepareRow(['name', 'ownerId'], { line: 2, cells: ['A', 'carol'] }, 'bob').input.ownerId).toBe('carol');
    expect(prepareRow(['name'], { line: 2, cells: ['A'] }, null).input).not.toHaveProperty('ownerId');
    expect(prepareRow(['name', 'ownerId'], { line: 2, cells: ['A', ''] }, 'bob').filled).toEqual(['name']);
  });

  it('reports a row with more or fewer cells than the header', () => {
    expect(prepareRow(['name', 'kind'], { line: 3, cells: ['A'] }).problems).toEqual([{ field: 'row', message: 'has 1 cells, the header 2 columns' }]);
    expect(prepareRow(['name'], { line: 3, cells: ['A', 'B'] }).problems).toEqual([{ field: 'row', message: 'has 2 cells, the header 1 columns' }]);
    expect(prepareRow(['name', 'kind'], { line: 3, cells: ['A', 'B'] }).problems).toEqual([]);
  });

  it('keys a row by its externalId, trimmed, else by what identifies the customer', () => {
    const keyed = prepareRow(['externalId', 'name'], { line: 2, cells: ['  X-9 ', 'A'] });
    expect(keyed).toMatchObject({ importKey: 'ext:X-9', externalKey: true });
    const natural = prepareRow(['externalId', 'name', 'kind'], { line: 2, cells: ['', 'A', 'ORGANISATION'] });
    expect(natural).toMatchObject({ importKey: naturalKey({ name: 'A', kind: 'ORGANISATION' }), externalKey: false });
    expect(prepareRow(['name', 'kind'], { line: 2, cells: ['A', 'ORGANISATION'] }).importKey).toBe(natural.importKey);
  });
});

describe('customer import: the natural key', () => {
  const base = { kind: 'ORGANISATION', name: 'Acme Tools Co., Ltd.' };

  it('is a digest of kind, normalised name and tagged identifier: keys of earlier runs must stay the same', () => {
    const digest = (text: string) => `row:${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    expect(naturalKey(base)).toBe(digest('ORGANISATION\u0000acmetools\u0000'));
    expect(naturalKey({ ...base, organisation: { registrationNumber: 'r-1' } })).toBe(digest('ORGANISATION\u0000acmetools\u0000reg:R1'));
    expect(naturalKey({})).toBe(digest('\u0000\u0000'));
  });

  it('is the same for the same customer written differently', () => {
    const key = naturalKey(base);
    expect(key).toMatch(/^row:[0-9a-f]{32}$/);
    expect(naturalKey({ kind: 'organisation', name: 'ACME  tools' })).toBe(key);
    expect(naturalKey({ ...base, organisation: { registrationNumber: '9131 0000x' } })).toBe(naturalKey({ ...base, organisation: { registrationNumber: '91310000X' } }));
    expect(naturalKey({ ...base, contacts: [{ phone: '+86 21 5123 4567' }] })).toBe(naturalKey({ ...base, contacts: [{ phone: '021-5123-4567' }] }));
    expect(naturalKey({ ...base, contacts: [{ email: 'Gu@Acme.example' }] })).toBe(naturalKey({ ...base, contacts: [{ email: 'gu@acme.example' }] }));
  });

  it('tells apart customers of another kind, name or identifier', () => {
    const key = naturalKey(base);
    expect(naturalKey({ ...base, kind: 'INDIVIDUAL' })).not.toBe(key);
    expect(naturalKey({ ...base, name: 'Acme Foods' })).not.toBe(key);
    expect(naturalKey({ ...base, organisation: { registrationNumber: '1' } })).not.toBe(key);
    expect(naturalKey({ ...base, contacts: [{ phone: '13800000001' }] })).not.toBe(key);
    expect(naturalKey({ ...base, contacts: [{ email: 'a@b.example' }] })).not.toBe(key);
  });

  it('takes the registration number before the phone, and the phone before the e-mail', () => {
    const withRegistration = { ...base, organisation: { registrationNumber: 'R-1' } };
    expect(naturalKey({ ...withRegistration, contacts: [{ phone: '13800000001', email: 'a@b.example' }] })).toBe(naturalKey(withRegistration));
    const withPhone = { ...base, contacts: [{ phone: '13800000001' }] };
    expect(naturalKey({ ...base, contacts: [{ phone: '13800000001', email: 'a@b.example' }] })).toBe(naturalKey(withPhone));
    // The identifiers are tagged: a phone and a registration number with the same digits differ.
    expect(naturalKey({ ...base, organisation: { registrationNumber: '13800000001' } })).not.toBe(naturalKey(withPhone));
  });
});

describe('customer import: problems by column', () => {
  it('names the column of a createCustomer field', () => {
    expect(columnOfField('input.contacts.0.phone', [])).toBe('contactPhone');
    expect(columnOfField('input.organisation.employeeCount', [])).toBe('employeeCount');
    expect(columnOfField('input.name', [])).toBe('name');
    expect(columnOfField('name', [])).toBe('name');
    // An item of a list is its column.
    expect(columnOfField('input.partnerIds.1', [])).toBe('partnerIds');
  });

  it('names the first filled column of a group a problem is about as a whole', () => {
    expect(columnOfField('input.organisation', ['name', 'employeeCount', 'registrationNumber'])).toBe('registrationNumber');
    expect(columnOfField('input.individual', ['name', 'birthday'])).toBe('birthday');
    expect(columnOfField('input.organisation', ['name'])).toBeNull();
  });

  it('names no column for the row as a whole or a field no column fills', () => {
    expect(columnOfField(undefined, [])).toBeNull();
    expect(columnOfField('input', ['name'])).toBeNull();
    expect(columnOfField('input.idempotencyKey', ['name'])).toBeNull();
    // externalId fills no input member: never a problem's column.
    expect(columnOfField('externalId', ['externalId'])).toBeNull();
  });

  it('turns problems into the report, with column, field path and code', () => {
    expect(
      rowProblems(
        [
          { field: 'input.contacts.0.email', message: 'not an e-mail address' },
          { field: 'row', message: 'has 1 cells, the header 2 columns' },
        ],
        [],
      ),
    ).toEqual([
      { column: 'contactEmail', field: ['input', 'contacts', '0', 'email'], code: 'BAD_USER_INPUT', message: 'not an e-mail address' },
      { column: null, field: null, code: 'BAD_USER_INPUT', message: 'has 1 cells, the header 2 columns' },
    ]);
    expect(rowProblems([{ field: 'input.ownerId', message: 'no' }], ['ownerId'], 'FORBIDDEN')).toEqual([{ column: 'ownerId', field: ['input', 'ownerId'], code: 'FORBIDDEN', message: 'no' }]);
  });
});

describe('customer import: the summary', () => {
  it('counts the rows by what became of them', () => {
    expect(summarise(['IMPORTED', 'IMPORTED', 'VALID', 'ALREADY_IMPORTED', 'DUPLICATE', 'DUPLICATE', 'DUPLICATE', 'REJECTED'], false)).toEqual({
      rows: 8,
      imported: 2,
      valid: 1,
      alreadyImported: 1,
      duplicates: 3,
      rejected: 1,
      dryRun: false,
    });
    expect(summarise([], true)).toEqual({ rows: 0, imported: 0, valid: 0, alreadyImported: 0, duplicates: 0, rejected: 0, dryRun: true });
  });
});

describe('customer import: reading CSV', () => {
  it('gives the header and each row with the line it starts on, past empty lines and multi-line cells', () => {
    const text = '\uFEFFname,kind,listType\nA,ORGANISATION,ENTERPRISE\n\n"B\nsecond line",ORGANISATION,ENTERPRISE\r\n\n\nC,INDIVIDUAL,INDIVIDUAL\n';
    expect(parseCsv(text)).toEqual({
      headers: ['name', 'kind', 'listType'],
      rows: [
        { line: 2, cells: ['A', 'ORGANISATION', 'ENTERPRISE'] },
        { line: 4, cells: ['B\nsecond line', 'ORGANISATION', 'ENTERPRISE'] },
        { line: 8, cells: ['C', 'INDIVIDUAL', 'INDIVIDUAL'] },
      ],
    });
  });

  it('reads Windows and old Mac line endings alike', () => {
    const rows = [{ line: 2, cells: ['A', 'B'] }, { line: 4, cells: ['C', 'D'] }];
    expect(parseCsv('x,y\r\nA,B\r\n\r\nC,D\r\n')).toEqual({ headers: ['x', 'y'], rows });
    expect(parseCsv('x,y\rA,B\r\rC,D')).toEqual({ headers: ['x', 'y'], rows });
  });

  it('keeps a row with a missing cell for the row check rather than refusing the file', () => {
    expect(parseCsv('name,kind\nA\n')).toEqual({ headers: ['name', 'kind'], rows: [{ line: 2, cells: ['A'] }] });
  });

  it('reports a file that is not CSV as one problem, and an empty one as no header', () => {
    expect(parseCsv('name,kind\n"open quote,A\n')).toEqual({ problem: expect.stringMatching(/quote/i) });
    expect(parseCsv('')).toEqual({ headers: [], rows: [] });
    expect(parseCsv('\n\n')).toEqual({ headers: [], rows: [] });
  });

  it('starts each record on the line after the previous one ended, plus the empty lines skipped in between', () => {
    expect(startLines([])).toEqual([]);
    expect(
      startLines([
        { lines: 1, empty_lines: 0 },
        { lines: 3, empty_lines: 1 },
        { lines: 5, empty_lines: 1 },
        { lines: 9, empty_lines: 3 },
      ]),
    ).toEqual([1, 3, 4, 8]);
  });
});
