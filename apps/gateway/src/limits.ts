import { ApolloArmor } from '@escape.tech/graphql-armor';
import { sendGraphQLError } from '@crm/kernel';
import type { RequestHandler } from 'express';
import { GraphQLError, Lexer, Source, TokenKind, type ValidationContext, type ValidationRule } from 'graphql';

/** Stable `extensions.code` of each abuse-limit rejection. */
export const LIMIT_CODES = {
  depth: 'QUERY_TOO_DEEP',
  aliases: 'TOO_MANY_ALIASES',
  cost: 'QUERY_TOO_COMPLEX',
  directives: 'TOO_MANY_DIRECTIVES',
  tokens: 'TOO_MANY_TOKENS',
  body: 'PAYLOAD_TOO_LARGE',
} as const;
export type LimitCode = (typeof LIMIT_CODES)[keyof typeof LIMIT_CODES];

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
}

// Not configurable: no legitimate operation of ours comes near it; it only stops directive flooding.
const MAX_DIRECTIVES = 50;

/**
 * graphql-armor's depth, alias and directive limits as validation rules, each reporting its own stable code
 * (armor reports all of them as BAD_USER_INPUT by default). They run after authentication and before any subgraph is
 * called; introspection is not counted against depth. The cost limit is not among them: a validation rule never sees
 * the variables, which size lists as often as literals do (see query-cost.ts).
 *
 * Two armor protections are replaced, not used: its Apollo token limit throws from a parsing hook, which Apollo turns
 * into an HTTP 500 (see `tokenLimit`); its field-suggestion mask leaves a dangling "?" and misses enum/type
 * suggestions (formatGatewayError strips every "Did you mean …?" instead).
 */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const { validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, ...reportAs(LIMIT_CODES.depth, limits.maxDepth) },
    maxAliases: { n: limits.maxAliases, ...reportAs(LIMIT_CODES.aliases, limits.maxAliases) },
    costLimit: { enabled: false },
    maxDirectives: { n: MAX_DIRECTIVES, ...reportAs(LIMIT_CODES.directives, MAX_DIRECTIVES) },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return validationRules;
}

function reportAs(code: LimitCode, limit: number) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code, limit } }));
      },
    ],
  };
}

/**
 * Refuse a query with more than `maxTokens` lexical tokens with HTTP 400 `TOO_MANY_TOKENS`, before Apollo parses it.
 * Counting stops at the limit, so a huge query costs no more than a legal one. A query the lexer cannot read is left
 * to Apollo, which reports GRAPHQL_PARSE_FAILED.
 */
export function tokenLimit(maxTokens: number): RequestHandler {
  return (req, res, next) => {
    const query = queryTextOf(req.body, req.query);
    if (query !== undefined && exceedsTokenLimit(query, maxTokens)) {
      sendGraphQLError(res, 400, `Query exceeds the limit of ${maxTokens} tokens`, { code: LIMIT_CODES.tokens, limit: maxTokens });
      return;
    }
    next();
  };
}

function queryTextOf(body: unknown, search: Record<string, unknown>): string | undefined {
  const fromBody = (body as { query?: unknown } | undefined)?.query;
  if (typeof fromBody === 'string') return fromBody;
  return typeof search.query === 'string' ? search.query : undefined;
}

export function exceedsTokenLimit(query: string, maxTokens: number): boolean {
  const lexer = new Lexer(new Source(query));
  try {
    for (let count = 0; lexer.advance().kind !== TokenKind.EOF; ) {
      if (++count > maxTokens) return true;
    }
  } catch {
    return false;
  }
  return false;
}
