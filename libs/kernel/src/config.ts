import { z } from 'zod';

/** Thrown when the environment does not satisfy a config schema; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse environment variables once against a zod object schema (twelve-factor: config lives in the env). */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(root)';
      const value = env[variable];
      return value === undefined ? `${variable}: ${issue.message}` : `${variable}=${JSON.stringify(value)}: ${issue.message}`;
    }),
  );
}

/** Env helpers: every value arrives as a string. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  url: () => z.string().url(),
  positiveInt: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};

/** Settings every process shares: where it listens, how it logs, how long it may take to stop. */
export const processConfigSchema = z.object({
  HOST: z.string().default('0.0.0.0').describe('Interface to listen on.'),
  LOG_LEVEL: env.logLevel().describe('fatal, error, warn, info, debug, trace or silent.'),
  SHUTDOWN_TIMEOUT_MS: env.positiveInt(10_000).describe('Longest a graceful stop may take before the process gives up waiting.'),
});

/** How callers prove who they are: HS256 secret in development, a JWKS endpoint in production. */
export const jwtConfigFields = {
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').describe('HS256 key (development); set this or JWT_JWKS_URL.').optional(),
  JWT_JWKS_URL: z.string().url().describe('Key set of the identity provider (production); set this or JWT_SECRET.').optional(),
  JWT_ISSUER: z.string().default('crm-platform').describe('Expected `iss` of tokens.'),
  JWT_AUDIENCE: z.string().default('crm-graph').describe('Expected `aud` of tokens.'),
};

export const jwtKeySourceRule = {
  check: (c: { JWT_SECRET?: string; JWT_JWKS_URL?: string }) => Boolean(c.JWT_SECRET) !== Boolean(c.JWT_JWKS_URL),
  message: 'set exactly one of JWT_SECRET (HS256, development) or JWT_JWKS_URL (production)',
};

export const jwtConfigSchema = z
  .object(jwtConfigFields)
  .refine(jwtKeySourceRule.check, { message: jwtKeySourceRule.message, path: ['JWT_SECRET'] });
