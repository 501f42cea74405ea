import type { Response } from 'express';

/** Extensions every error we send ourselves carries: a stable code clients may switch on, plus details. */
export type GraphQLErrorExtensions = { code: string } & Record<string, unknown>;

/**
 * Answer with a GraphQL-shaped error body for failures that happen before a GraphQL server sees the request
 * (body too large, malformed JSON, token limit), so clients parse one error shape whatever rejected them.
 */
export function sendGraphQLError(res: Response, status: number, message: string, extensions: GraphQLErrorExtensions): void {
  res.status(status).json({ errors: [{ message, extensions }] });
}
