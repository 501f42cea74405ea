import { DEV_JWT_SECRET } from './dev-token';

/**
 * Every HS256 secret written in this repository (the development default, the old compose and dev-cluster
 * default, the fixed secrets of the tests). Anyone who reads the repository can sign tokens with them, so a
 * process started with NODE_ENV=production refuses each of them as JWT_SECRET.
 * `repository-secrets.spec.ts` scans the tracked files and fails when a secret-shaped literal is missing here.
 */
export const REPOSITORY_JWT_SECRETS: readonly string[] = [
  DEV_JWT_SECRET,
  'dev-only-crm-jwt-secret-change-me-0123456789',
  'a-development-secret-of-at-least-32-chars',
  'another-secret-with-at-least-32-characters',
  'someone-elses-secret-0123456789abcdef',
];

/** Whether `secret` is one of the secrets the repository ships (compared as written, and trimmed). */
export function isRepositorySecret(secret: string): boolean {
  const trimmed = secret.trim();
  return REPOSITORY_JWT_SECRETS.some((known) => known === secret || known === trimmed);
}
