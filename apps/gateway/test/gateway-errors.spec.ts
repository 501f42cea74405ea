import { GraphQLError } from 'graphql';
import { formatGatewayError } from '../src/gateway-errors';

const format = (error: GraphQLError) => formatGatewayError(error.toJSON(), error);

describe('formatGatewayError', () => {
  it("masks the gateway's own unexpected errors as INTERNAL_SERVER_ERROR", () => {
    const error = new GraphQLError('Expected "data._entities" to contain 2 elements', { extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } });
    expect(format(error)).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it("passes a subgraph's error through with its code and details, minus internal extensions", () => {
    const error = new GraphQLError('Customer c1 not found', {
      path: ['customer'],
      extensions: { code: 'NOT_FOUND', entity: 'Customer', id: 'c1', serviceName: 'accounts', stacktrace: ['at y'], response: { url: 'http://accounts:4001' }, http: { status: 200 } },
    });
    expect(format(error)).toEqual({
      message: 'Customer c1 not found',
      path: ['customer'],
      extensions: { code: 'NOT_FOUND', entity: 'Customer', id: 'c1', serviceName: 'accounts' },
    });
  });

  it("keeps a subgraph's INTERNAL_SERVER_ERROR as the subgraph worded it", () => {
    const error = new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'credit' } });
    expect(format(error).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', serviceName: 'credit' });
  });

  it('strips "Did you mean" suggestions from errors the gateway raises', () => {
    const error = new GraphQLError('Variable "$k" got invalid value "ACTIV"; Value "ACTIV" does not exist in "Lifecycle" enum. Did you mean the enum value "ACTIVE"?', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(format(error).message).toBe('Variable "$k" got invalid value "ACTIV"; Value "ACTIV" does not exist in "Lifecycle" enum.');
  });

  it('restores the abuse-limit code Apollo wraps as GRAPHQL_VALIDATION_FAILED', () => {
    const limit = new GraphQLError('Query depth limit of 12 exceeded, found 13.', { extensions: { code: 'QUERY_TOO_DEEP', limit: 12 } });
    const wrapped = new GraphQLError(limit.message, { originalError: limit, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(format(wrapped)).toEqual({ message: limit.message, extensions: { code: 'QUERY_TOO_DEEP', limit: 12 } });
  });
});
