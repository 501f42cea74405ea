import { uniqueDatabaseName } from '@crm/testing';
import { Schema, type Connection } from 'mongoose';
import { isDuplicateKeyError } from './duplicate-key';
import { connectMongo } from './mongo-connection';

describe('isDuplicateKeyError against the real MongoDB-wire server', () => {
  let connection: Connection;
  const Thing = () => connection.models.Thing ?? connection.model('Thing', new Schema({ _id: String, n: Number }, { versionKey: false }), 'things');

  beforeAll(async () => {
    connection = await connectMongo({ url: process.env.MONGO_URL!, dbName: uniqueDatabaseName('data') });
  });
  afterAll(() => connection.close());

  it('recognises what the server answers to a second document with the same _id', async () => {
    await Thing().create({ _id: 'one', n: 1 });
    const refused = await Thing().create({ _id: 'one', n: 2 }).catch((error: unknown) => error);
    expect(isDuplicateKeyError(refused)).toBe(true);
  });

  it('recognises an unordered bulk insert that met only documents already written', async () => {
    await Thing().insertMany([{ _id: 'a', n: 1 }]);
    const refused = await Thing().insertMany([{ _id: 'a', n: 1 }, { _id: 'b', n: 2 }, { _id: 'a', n: 3 }], { ordered: false }).catch((error: unknown) => error);
    expect(isDuplicateKeyError(refused)).toBe(true);
    expect(await Thing().countDocuments({ _id: 'b' })).toBe(1);
  });
});
