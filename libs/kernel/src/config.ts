import { isRepositorySecret } from '@crm/auth';
import { z } from 'zod';

/** Thrown when the environment does not satisfy a config schema; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Variables whose value a config error must not print. */
const SECRET_VARIABLE = /SECRET|PASSWORD|TOKEN|PRIVATE_KEY/i;

/** Parse environment variables once against a zod object schema (twelve-factor: config lives in the env). */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = issue.path.join('.') || '(root)';
      const value = env[variable];
      // A secret's value is never repeated: the message goes to stderr and the logs.
      if (value === undefined || SECRET_VARIABLE.test(variable)) return `${variable}: ${issue.message}`;
      return `${variable}=${JSON.stringify(value)}: ${issue.message}`;
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

const OTEL_SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

// Plain url() would take `tempo:4318` (a URL with scheme "tempo:"), a likely typo for a host:port.
const otlpUrl = () => env.url().regex(/^https?:\/\//, 'must be an http:// or https:// URL (OTLP/HTTP)');

/** The standard OpenTelemetry variables every process reads; tracing is off unless an exporter or an OTLP endpoint is set. */
export const telemetryConfigFields = {
  OTEL_SDK_DISABLED: env.bool(false).describe('true: no tracing, whatever the other OTEL_* variables say.'),
  OTEL_TRACES_EXPORTER: z
    .enum(['otlp', 'console', 'none'])
    .describe('Where spans go: `otlp` (OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, default http://localhost:4318), `console`, or `none`; unset, tracing is on only when an OTLP endpoint is set.')
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl().describe('OTLP/HTTP receiver of a collector (Jaeger, Tempo, an OpenTelemetry Collector); traces go to `<endpoint>/v1/traces`. Setting it turns tracing on.').optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl().describe('Full OTLP/HTTP URL for traces, used as given (wins over OTEL_EXPORTER_OTLP_ENDPOINT).').optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z.string().describe('Headers sent with every export, `key=value,key2=value2` (e.g. a hosted backend\'s API key).').optional(),
  OTEL_RESOURCE_ATTRIBUTES: z.string().describe('`key=value,…` added to every span\'s resource (e.g. `deployment.environment.name=staging`); `service.name` is always the process\'s own.').optional(),
  OTEL_TRACES_SAMPLER: z.enum(OTEL_SAMPLERS).describe('Which traces are kept; default `parentbased_always_on` (every trace, following a caller\'s decision).').optional(),
  OTEL_TRACES_SAMPLER_ARG: z.string().regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a ratio between 0 and 1').describe('The ratio of the `*traceidratio` samplers, 0 to 1.').optional(),
};

/** Settings every process shares: where it listens, how it logs, how long it may take to stop, where its traces go. */
export const processConfigSchema = z.object({
  HOST: z.string().default('0.0.0.0').describe('Interface to listen on.'),
  LOG_LEVEL: env.logLevel().describe('fatal, error, warn, info, debug, trace or silent.'),
  SHUTDOWN_TIMEOUT_MS: env.positiveInt(10_000).describe('Longest a graceful stop may take before the process gives up waiting.'),
  SHUTDOWN_DRAIN_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('On a stop, how long /readyz answers 503 while requests are still served, so a load balancer stops sending first (k8s: a few seconds).'),
  NODE_ENV: z.string().describe('`production` refuses a JWT_SECRET written in the repository (JWT_JWKS_URL preferred).').optional(),
  ...telemetryConfigFields,
});

/** Shortest HS256 key accepted, in bytes (RFC 7518 asks for a key at least as long as the 256-bit hash). */
export const MIN_JWT_SECRET_BYTES = 32;

/** How callers prove who they are: HS256 secret in development, a JWKS endpoint in production. */
export const jwtConfigFields = {
  JWT_SECRET: z
    .string()
    .refine((secret) => Buffer.byteLength(secret, 'utf8') >= MIN_JWT_SECRET_BYTES, `must be at least ${MIN_JWT_SECRET_BYTES} bytes (JWT_JWKS_URL is preferred)`)
    .describe('HS256 key of at least 32 bytes (development); set this or JWT_JWKS_URL (preferred).')
    .optional(),
  JWT_JWKS_URL: z.string().url().describe('Key set of the identity provider (production); set this or JWT_SECRET.').optional(),
  JWT_JWKS_COOLDOWN_MS: env
    .positiveInt(30_000)
    .describe('With JWT_JWKS_URL: a token with a key id not in the cached key set refetches it, at most once per this long.'),
  JWT_JWKS_CACHE_MAX_AGE_MS: env
    .positiveInt(300_000)
    .describe('With JWT_JWKS_URL: the key set is refetched when older than this, so a key removed from it is refused within this long.'),
  JWT_ISSUER: z.string().default('crm-platform').describe('Expected `iss` of tokens.'),
  JWT_AUDIENCE: z.string().default('crm-graph').describe('Expected `aud` of tokens.'),
};

export const jwtKeySourceRule = {
  check: (c: { JWT_SECRET?: string; JWT_JWKS_URL?: string }) => Boolean(c.JWT_SECRET) !== Boolean(c.JWT_JWKS_URL),
  message: 'set exactly one of JWT_SECRET (HS256, development) or JWT_JWKS_URL (production)',
};

export interface JwtConfigFacts {
  NODE_ENV?: string;
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
}

/**
 * What is wrong with a process's key source, each on the variable to fix: exactly one of the two sources; and with
 * NODE_ENV=production no secret the repository ships (anyone who read it could sign a general manager's token).
 */
export function jwtConfigProblems(config: JwtConfigFacts): { variable: 'JWT_SECRET'; message: string }[] {
  if (!jwtKeySourceRule.check(config)) return [{ variable: 'JWT_SECRET', message: jwtKeySourceRule.message }];
  if (config.NODE_ENV === 'production' && config.JWT_SECRET !== undefined && isRepositorySecret(config.JWT_SECRET)) {
    return [
      {
        variable: 'JWT_SECRET',
        message:
          'is a secret written in the repository (the development default or a test secret), refused with NODE_ENV=production: ' +
          `set JWT_JWKS_URL to the identity provider's key set (preferred) or a JWT_SECRET of your own of at least ${MIN_JWT_SECRET_BYTES} random bytes`,
      },
    ];
  }
  return [];
}

/** The same rules as a zod refinement, for a config schema that holds NODE_ENV and the JWT fields. */
export function refineJwtConfig(config: JwtConfigFacts, ctx: z.RefinementCtx): void {
  for (const problem of jwtConfigProblems(config)) ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.variable] });
}

export const jwtConfigSchema = z
  .object({ NODE_ENV: processConfigSchema.shape.NODE_ENV, ...jwtConfigFields })
  .superRefine(refineJwtConfig);
