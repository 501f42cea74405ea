import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Histogram, type Registry } from 'prom-client';
import { registeredMetric } from './registered-metric';

export interface GraphQLOperationMetricsOptions {
  /**
   * Operation names come from clients; past this many distinct names the rest are counted as `(other)`,
   * so a client cannot grow the label set without bound. Default 500.
   */
  maxOperationNames?: number;
}

const LABELS = ['operationName', 'outcome'] as const;

/**
 * Apollo Server plugin: `graphql_operations_total` and `graphql_operation_duration_seconds` by operation name and
 * outcome (`ok`, or `error` when the response carries any error, partial data included).
 * Anonymous operations are `(anonymous)`; requests that never resolved an operation (parse/validation failures) are
 * `(invalid)`. Requests refused while building the context (authentication) never reach the plugin hooks: see the
 * HTTP metrics for them.
 */
export function graphqlOperationMetrics(registry: Registry, options: GraphQLOperationMetricsOptions = {}): ApolloServerPlugin {
  const maxOperationNames = options.maxOperationNames ?? 500;
  const total = registeredMetric(
    registry,
    'graphql_operations_total',
    () =>
      new Counter({ name: 'graphql_operations_total', help: 'GraphQL operations handled', labelNames: LABELS, registers: [registry] }),
  );
  const duration = registeredMetric(
    registry,
    'graphql_operation_duration_seconds',
    () =>
      new Histogram({
        name: 'graphql_operation_duration_seconds',
        help: 'GraphQL operation latency in seconds, parse to response',
        labelNames: LABELS,
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers: [registry],
      }),
  );
  const knownNames = new Set<string>();

  const operationLabel = (operationName: string | null | undefined): string => {
    if (operationName === undefined) return '(invalid)';
    if (operationName === null) return '(anonymous)';
    if (knownNames.has(operationName)) return operationName;
    if (knownNames.size >= maxOperationNames) return '(other)';
    knownNames.add(operationName);
    return operationName;
  };

  return {
    async requestDidStart() {
      const startedAt = process.hrtime.bigint();
      let failed = false;
      return {
        async didEncounterErrors() {
          failed = true;
        },
        async willSendResponse({ operationName, operation }) {
          const labels = {
            // Apollo sets operationName (null when anonymous) once the document resolved to an operation.
            operationName: operationLabel(operation ? operationName : undefined),
            outcome: failed ? 'error' : 'ok',
          };
          total.inc(labels);
          duration.observe(labels, Number(process.hrtime.bigint() - startedAt) / 1e9);
        },
      };
    },
  };
}
