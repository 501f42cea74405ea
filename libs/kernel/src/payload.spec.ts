import { InvalidPageArgsError } from '@crm/data';
import { actorRef, requiredActorRef } from './actor';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from './errors';
import { mutationPayload, userErrorsOf } from './payload';

describe('mutationPayload', () => {
  it('answers the record with no user errors', async () => {
    await expect(mutationPayload('ticket', async () => ({ id: 't1' }))).resolves.toEqual({ ticket: { id: 't1' }, userErrors: [] });
  });

  it('lists every input problem with its field as a path', async () => {
    const problems = [
      { field: 'input.contacts.0.phone', message: 'must be a phone number' },
      { field: 'input.name', message: 'is required' },
    ];
    const payload = await mutationPayload('customer', () => {
      throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    });
    expect(payload).toEqual({
      customer: null,
      userErrors: [
        { field: ['input', 'contacts', '0', 'phone'], code: 'BAD_USER_INPUT', message: 'must be a phone number' },
        { field: ['input', 'name'], code: 'BAD_USER_INPUT', message: 'is required' },
      ],
    });
  });

  it('answers a missing record and a conflicting state as user errors about the request', async () => {
    await expect(mutationPayload('ticket', () => Promise.reject(new NotFoundError('Ticket', 'x')))).resolves.toEqual({
      ticket: null,
      userErrors: [{ field: null, code: 'NOT_FOUND', message: 'Ticket x not found' }],
    });
    await expect(mutationPayload('ticket', () => Promise.reject(new ConflictError('changed meanwhile')))).resolves.toEqual({
      ticket: null,
      userErrors: [{ field: null, code: 'CONFLICT', message: 'changed meanwhile' }],
    });
  });

  it('answers bad page arguments as a user error on their field', () => {
    expect(userErrorsOf(new InvalidPageArgsError('first', 'must be between 0 and 200'))).toEqual([{ field: ['first'], code: 'BAD_USER_INPUT', message: 'must be between 0 and 200' }]);
  });

  it('answers a duplicate of a unique value as a conflict', () => {
    expect(userErrorsOf(Object.assign(new Error('E11000 duplicate key'), { name: 'MongoServerError', code: 11000 }))).toEqual([
      { field: null, code: 'CONFLICT', message: 'A record with the same unique value already exists' },
    ]);
  });

  it('keeps authentication, permission and unexpected errors top-level', async () => {
    for (const error of [new UnauthenticatedError(), new ForbiddenError('no'), new Error('boom')]) {
      await expect(mutationPayload('ticket', () => Promise.reject(error))).rejects.toBe(error);
    }
  });
});

describe('actorRef', () => {
  it('tells the platform from staff by the system id', () => {
    expect(actorRef('alice')).toEqual({ id: 'alice', kind: 'STAFF_MEMBER' });
    expect(actorRef('system:sla-watch')).toEqual({ id: 'system:sla-watch', kind: 'SYSTEM' });
    expect(actorRef('system')).toEqual({ id: 'system', kind: 'SYSTEM' });
    expect(actorRef('systematic')).toEqual({ id: 'systematic', kind: 'STAFF_MEMBER' });
    expect(actorRef(null)).toBeNull();
    expect(actorRef('')).toBeNull();
    expect(requiredActorRef('bob')).toEqual({ id: 'bob', kind: 'STAFF_MEMBER' });
  });
});
