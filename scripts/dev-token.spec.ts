import { createTokenVerifier, DEV_JWT_SECRET } from '@crm/auth';
import { devTokenFromArgs, DevTokenUsageError } from './dev-token';

const verifyWith = (secret: string) => createTokenVerifier({ JWT_SECRET: secret, JWT_ISSUER: 'crm-platform', JWT_AUDIENCE: 'crm-graph' });

describe('dev-token', () => {
  it('signs a token the services accept, carrying every given claim', async () => {
    const token = await devTokenFromArgs(['--role', 'general_manager', '--department', 'D1', '--sub', 'u-123', '--name', 'Grace Hopper'], {});
    expect(await verifyWith(DEV_JWT_SECRET)(token)).toEqual({ userId: 'u-123', name: 'Grace Hopper', roles: ['general_manager'], departmentId: 'D1', token });
  });

  it('signs a partner id, which the services read as a partner whatever other roles the token claims', async () => {
    const token = await devTokenFromArgs(['--role', 'general_manager', '--department', 'D1', '--partner', 'P1', '--sub', 'u-123'], {});
    expect(await verifyWith(DEV_JWT_SECRET)(token)).toEqual({ userId: 'u-123', roles: ['partner'], partnerId: 'P1', token });
  });

  it('accepts --role more than once', async () => {
    const token = await devTokenFromArgs(['--role', 'consultant', '--role', 'finance', '-r', 'consultant'], {});
    expect((await verifyWith(DEV_JWT_SECRET)(token)).roles).toEqual(['consultant', 'finance']);
  });

  it('signs with JWT_SECRET when it is set', async () => {
    const secret = 'another-secret-with-at-least-32-characters';
    const token = await devTokenFromArgs(['--role', 'partner', '--partner', 'P9'], { JWT_SECRET: secret });
    expect((await verifyWith(secret)(token)).partnerId).toBe('P9');
    await expect(verifyWith(DEV_JWT_SECRET)(token)).rejects.toThrow(/Invalid token/);
  });

  it('refuses an unknown role, listing the valid ones', async () => {
    await expect(devTokenFromArgs(['--role', 'ceo'], {})).rejects.toThrow(DevTokenUsageError);
    await expect(devTokenFromArgs(['--role', 'ceo'], {})).rejects.toThrow(/unknown role "ceo"; valid roles: consultant, department_manager/);
  });

  it('refuses a command line without a role or with an unknown option', async () => {
    await expect(devTokenFromArgs(['--sub', 'u-1'], {})).rejects.toThrow('at least one --role is required');
    await expect(devTokenFromArgs(['--role', 'finance', '--tenant', 'x'], {})).rejects.toThrow(DevTokenUsageError);
  });
});
