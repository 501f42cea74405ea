/**
 * Print a signed development token:
 *   npm run dev-token -- --role general_manager --department D1 --partner P1 --sub u-123 --name "Grace Hopper"
 * HS256 with JWT_SECRET (else the development secret), issuer/audience from JWT_ISSUER / JWT_AUDIENCE as the services
 * read them. `--role` may repeat.
 */
import { parseArgs } from 'node:util';
import { crmClaimsSchema, DEV_JWT_SECRET, roles, signDevToken } from '@crm/auth';

export const DEV_TOKEN_USAGE = `usage: npm run dev-token -- --role <role> [--role <role>…] [--sub <user id>] [--name <name>]
                           [--department <id>] [--partner <id>] [--expires <12h|30m|7d>]
roles: ${roles.join(', ')}`;

/** A bad command line; the message says what to fix. */
export class DevTokenUsageError extends Error {}

export async function devTokenFromArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        role: { type: 'string', multiple: true, short: 'r' },
        sub: { type: 'string', default: 'dev-user' },
        name: { type: 'string' },
        department: { type: 'string' },
        partner: { type: 'string' },
        expires: { type: 'string', default: '12h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new DevTokenUsageError((error as Error).message);
  }
  const wanted = values.role ?? [];
  if (wanted.length === 0) throw new DevTokenUsageError('at least one --role is required');
  const unknown = wanted.filter((role) => !(roles as readonly string[]).includes(role));
  if (unknown.length > 0) throw new DevTokenUsageError(`unknown role ${unknown.map((r) => `"${r}"`).join(', ')}; valid roles: ${roles.join(', ')}`);

  const claims = crmClaimsSchema.safeParse({
    sub: values.sub,
    roles: [...new Set(wanted)],
    department_id: values.department,
    partner_id: values.partner,
    name: values.name,
  });
  if (!claims.success) throw new DevTokenUsageError(claims.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));

  return signDevToken(claims.data, {
    secret: env.JWT_SECRET || DEV_JWT_SECRET,
    issuer: env.JWT_ISSUER || undefined,
    audience: env.JWT_AUDIENCE || undefined,
    expiresIn: values.expires,
  });
}

if (require.main === module) {
  devTokenFromArgs(process.argv.slice(2)).then(
    (token) => process.stdout.write(`${token}\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n${error instanceof DevTokenUsageError ? `${DEV_TOKEN_USAGE}\n` : ''}`);
      process.exitCode = 1;
    },
  );
}
