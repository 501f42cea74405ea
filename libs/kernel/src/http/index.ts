export { createHttpShell, type HttpShellOptions, type ReadinessCheck } from './http-shell';
export { jsonBody } from './json-body.middleware';
export { sendGraphQLError, type GraphQLErrorExtensions } from './graphql-error-response';
export { REQUEST_ID_HEADER } from './request-context.middleware';
export { graphqlOperationMetrics, type GraphQLOperationMetricsOptions } from './graphql-operation-metrics.plugin';
export { startHttpServer, type RunningHttpServer } from './http-server';
export { jsonApiSecurityHeaders, landingPageSecurityHeaders, type SecurityHeadersPolicy } from './security-headers';
export { traceRequests, REQUEST_ID_ATTRIBUTE } from './trace-requests.middleware';
export { graphqlOperationSpan, GRAPHQL_OPERATION_NAME, GRAPHQL_OPERATION_TYPE } from './graphql-operation-span.plugin';
