import { customerCreatedV1 } from '@crm/contracts';
import { startAccountsWorld, USER_ERRORS, type AccountsWorld } from './accounts-fixture';
import { footprint } from './mutation-payloads';

const IMPORT = `mutation($i: ImportCustomersInput!) { importCustomers(input: $i) {
  summary { rows imported valid alreadyImported duplicates rejected dryRun }
  rows { line status importKey customer { id name importKey owner { id } possibleDuplicates { customer { id } matchedOn } }
         errors { column field code message } possibleDuplicates { line importKey customer { id } matchedOn } }
  ${USER_ERRORS} } }`;
/** The request-level answer only: a refused request answers its summary null (and writes nothing). */
const IMPORT_REFUSED = `mutation($i: ImportCustomersInput!) { importCustomers(input: $i) { summary { rows } ${USER_ERRORS} } }`;

const HEADER = 'External id,Name,Kind,List type,Owner id,Contact name,Contact phone,Contact email,Registration number,Category';

describe('accounts: importCustomers', () => {
  let w: AccountsWorld;
  beforeAll(async () => {
    w = await startAccountsWorld();
  });
  afterAll(() => w.service.stop());

  const run = async (input: Record<string, unknown>, token = w.tokens.gm) => (await w.ok(IMPORT, { i: input }, token)).importCustomers;
  const customerCount = () => w.service.connection.db!.collection('customers').countDocuments();

  it('imports the valid rows with their created events, rejects bad ones by line and column, skips duplicates; a re-run imports nothing twice', async () => {
    const archived = await w.customer({ name: 'Jinling Foods Co', ownerId: 'alice' });
    const csv = [
      HEADER,
      'IMP-1,Tianhe Machinery,organisation,enterprise,alice,Gu Wen,+86 21 5123 0001,gu@tianhe.example,91310000-0001,key',
      // No externalId: its key is derived from kind, name and registration number.
      ',Baiyun Textiles,ORGANISATION,ENTERPRISE,bob,,,,91310000-0002,',
      'IMP-3,Broken Row,ORGANISATION,ENTERPRISE,alice,X,call me,not-an-email,,',
      'IMP-4,JINLING foods co,ORGANISATION,ENTERPRISE,alice,,,,,',
      'IMP-5,"Tianhe  Machinery",ORGANISATION,ENTERPRISE,bob,,,,,',
      'IMP-6,Person Zhang,individual,individual,carol,Zhang,13900000006,,,',
      '',
      'IMP-7,Unknown Owner Ltd,ORGANISATION,ENTERPRISE,nobody,,,,,',
    ].join('\n');
    const before = await customerCount();
    const publishedBefore = (await footprint(w.service)).published;
    const first = await run({ csv });
    expect(first.summary).toEqual({ rows: 7, imported: 3, valid: 0, alreadyImported: 0, duplicates: 2, rejected: 2, dryRun: false });
    expect(first.rows.map((r: any) => [r.line, r.status])).toEqual([
      [2, 'IMPORTED'],
      [3, 'IMPORTED'],
      [4, 'REJECTED'],
      [5, 'DUPLICATE'],
      [6, 'DUPLICATE'],
      [7, 'IMPORTED'],
      [9, 'REJECTED'],
    ]);
    const [tianhe, baiyun, broken, jinling, tianheAgain, person, unknownOwner] = first.rows;
    expect(tianhe.importKey).toBe('ext:IMP-1');
    expect(tianhe.customer).toMatchObject({ name: 'Tianhe Machinery', importKey: 'ext:IMP-1', owner: { id: 'alice' } });
    expect(baiyun.importKey).toMatch(/^row:[0-9a-f]{32}$/);
    expect(person.customer).toMatchObject({ name: 'Person Zhang', owner: { id: 'carol' } });
    // Every problem of the row at once, each with its column and createCustomer's field path.
    expect(broken.errors.map((e: any) => [e.column, e.code])).toEqual([
      ['contactPhone', 'BAD_USER_INPUT'],
      ['contactEmail', 'BAD_USER_INPUT'],
    ]);
    expect(broken.errors.find((e: any) => e.column === 'contactPhone').field).toEqual(['input', 'contacts', '0', 'phone']);
    expect(broken.customer).toBeNull();
    expect(unknownOwner.errors).toEqual([{ column: 'ownerId', field: ['input', 'ownerId'], code: 'BAD_USER_INPUT', message: 'no active consultant nobody' }]);
    // A duplicate of the archive names the customer; one of an earlier row names its line.
    expect(jinling.possibleDuplicates).toEqual([{ line: null, importKey: null, customer: { id: archived }, matchedOn: ['NAME'] }]);
    expect(tianheAgain.possibleDuplicates).toEqual([{ line: 2, importKey: 'ext:IMP-1', customer: null, matchedOn: ['NAME'] }]);
    expect(await customerCount()).toBe(before + 3);
    // Three events, one per imported row: nothing for the rejected and skipped ones.
    expect((await footprint(w.service)).published).toBe(publishedBefore + 3);

    for (const row of [tianhe, baiyun, person]) {
      const events = await w.events(customerCreatedV1, row.customer.id);
      expect(events).toHaveLength(1);
      expect(events[0].data.customer).toMatchObject({ id: row.customer.id, name: row.customer.name });
    }

    // The same file again: the imported rows are skipped by their key, nothing is written, no event published.
    const published = (await footprint(w.service)).published;
    const again = await run({ csv });
    expect(again.summary).toEqual({ rows: 7, imported: 0, valid: 0, alreadyImported: 3, duplicates: 2, rejected: 2, dryRun: false });
    expect(again.rows.filter((r: any) => r.status === 'ALREADY_IMPORTED').map((r: any) => [r.line, r.customer.id])).toEqual([
      [2, tianhe.customer.id],
      [3, baiyun.customer.id],
      [7, person.customer.id],
    ]);
    expect(await customerCount()).toBe(before + 3);
    expect((await footprint(w.service)).published).toBe(published);
  });

  it('a dry run answers what would happen and writes nothing', async () => {
    const csv = `${HEADER}\nDRY-1,Dry Run Trading,ORGANISATION,ENTERPRISE,alice,,,,,\nDRY-2,Dry Run Two,ORGANISATION,GOVERNMENT_AGENCY,alice,,,,,\nDRY-3,,ORGANISATION,ENTERPRISE,alice,,,,,\nDRY-4,Dry Run Four,ORGANISATION,ENTERPRISE,alice,,,,,NOT_A_CATEGORY`;
    const before = await footprint(w.service);
    const dry = await run({ csv, dryRun: true });
    expect(dry.summary).toEqual({ rows: 4, imported: 0, valid: 2, alreadyImported: 0, duplicates: 0, rejected: 2, dryRun: true });
    expect(dry.rows.map((r: any) => r.status)).toEqual(['VALID', 'VALID', 'REJECTED', 'REJECTED']);
    expect(dry.rows[2].errors).toMatchObject([{ column: 'name', field: ['input', 'name'], code: 'BAD_USER_INPUT' }]);
    // A rule of another plugin (classification) is reported on its column too.
    expect(dry.rows[3].errors).toMatchObject([{ column: 'category', field: ['input', 'category'], code: 'BAD_USER_INPUT' }]);
    expect(dry.rows.every((r: any) => r.customer === null)).toBe(true);
    expect(await footprint(w.service)).toEqual(before);
    // And the real run afterwards writes them.
    expect((await run({ csv })).summary).toMatchObject({ imported: 2, rejected: 2 });
  });

  it('imports possible duplicates flagged when asked to, as createCustomer does', async () => {
    const original = await w.customer({ name: 'Flagged Twin Logistics' });
    const res = await run({ columns: ['name', 'kind', 'listType', 'ownerId'], rows: [{ line: 12, cells: ['Flagged Twin Logistics', 'ORGANISATION', 'ENTERPRISE', 'alice'] }], duplicates: 'IMPORT' });
    expect(res.rows).toMatchObject([{ line: 12, status: 'IMPORTED', possibleDuplicates: [{ line: null, customer: { id: original }, matchedOn: ['NAME'] }] }]);
    expect(res.rows[0].customer.possibleDuplicates).toEqual([{ customer: { id: original }, matchedOn: ['NAME'] }]);
  });

  it('applies createCustomer\'s owner rule per row: a consultant imports for themselves only', async () => {
    const res = await run(
      {
        columns: ['name', 'kind', 'listType', 'ownerId'],
        rows: [
          { line: 2, cells: ['Alice Own Import', 'ORGANISATION', 'ENTERPRISE', ''] },
          { line: 3, cells: ['Alice For Carol', 'ORGANISATION', 'ENTERPRISE', 'carol'] },
        ],
      },
      w.tokens.alice,
    );
    expect(res.rows.map((r: any) => r.status)).toEqual(['IMPORTED', 'REJECTED']);
    expect(res.rows[0].customer.owner).toEqual({ id: 'alice' });
    expect(res.rows[1].errors).toEqual([{ column: 'ownerId', field: ['input', 'ownerId'], code: 'FORBIDDEN', message: expect.any(String) }]);
    // defaultOwnerId fills the empty cells; the rule applies to it too.
    const defaulted = await run({ columns: ['name', 'kind', 'listType'], rows: [{ line: 2, cells: ['East Manager Import', 'ORGANISATION', 'ENTERPRISE'] }], defaultOwnerId: 'bob' }, w.tokens.eastManager);
    expect(defaulted.rows[0].customer.owner).toEqual({ id: 'bob' });
    const west = await run({ columns: ['name', 'kind', 'listType'], rows: [{ line: 2, cells: ['East Manager For West', 'ORGANISATION', 'ENTERPRISE'] }], defaultOwnerId: 'carol' }, w.tokens.eastManager);
    expect(west.rows[0]).toMatchObject({ status: 'REJECTED', errors: [{ code: 'FORBIDDEN' }] });
  });

  it('refuses callers who may not create customers, partners included, before reading anything', async () => {
    const csv = `${HEADER}\nP-1,Partner Import,ORGANISATION,ENTERPRISE,alice,,,,,`;
    for (const token of [w.tokens.partner, w.tokens.agent, w.tokens.finance]) {
      const before = await footprint(w.service);
      const error = await w.fails(IMPORT, { i: { csv } }, token);
      expect(error.extensions?.code).toBe('FORBIDDEN');
      expect(await footprint(w.service)).toEqual(before);
    }
  });

  it('refuses a request it cannot read with user errors, writing nothing and publishing nothing', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ csv: 'name,kind,colour\nA,ORGANISATION,red' }, ['input', 'csv']],
      [{ csv: 'name,kind,listType\n"unterminated,ORGANISATION,ENTERPRISE' }, ['input', 'csv']],
      [{ csv: 'name,kind,listType\n' }, ['input', 'csv']],
      [{ csv: `${HEADER}\nX,Both,ORGANISATION,ENTERPRISE,alice,,,,,`, columns: ['name'], rows: [] }, ['input', 'rows']],
      [{ columns: ['name', 'kind', 'listType'], rows: Array.from({ length: 1001 }, (_, i) => ({ line: i + 2, cells: [`Row ${i}`, 'ORGANISATION', 'ENTERPRISE'] })) }, ['input', 'rows']],
      [{ columns: ['name', 'kind', 'listType'], rows: [{ line: 2, cells: ['Twice A', 'ORGANISATION', 'ENTERPRISE'] }, { line: 2, cells: ['Twice B', 'ORGANISATION', 'ENTERPRISE'] }] }, ['input', 'rows', '1', 'line']],
    ];
    for (const [input, field] of cases) {
      const errors = await w.refused(IMPORT_REFUSED, { i: input }, w.tokens.gm);
      expect(errors[0]).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const unknown = await w.refused(IMPORT_REFUSED, { i: { csv: 'Name,Kind,Colour,Size\nA,ORGANISATION,red,1' } }, w.tokens.gm);
    expect(unknown.map((e) => e.message)).toEqual([expect.stringContaining('unknown column "Colour" (column 3)'), expect.stringContaining('unknown column "Size" (column 4)'), 'the listType column is missing']);
  });

  it('a row repeated in the file is imported once and its repeat reported against the first line', async () => {
    const csv = `${HEADER}\nREP-1,Repeat Once Ltd,ORGANISATION,ENTERPRISE,alice,,,,,\nREP-1,Repeat Once Limited Renamed,ORGANISATION,ENTERPRISE,alice,,,,,`;
    const res = await run({ csv });
    expect(res.rows.map((r: any) => r.status)).toEqual(['IMPORTED', 'DUPLICATE']);
    expect(res.rows[1].possibleDuplicates).toEqual([{ line: 2, importKey: 'ext:REP-1', customer: null, matchedOn: [] }]);
  });
});
