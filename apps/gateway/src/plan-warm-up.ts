import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import type { Logger } from '@crm/kernel';
import { Kind, parse, print, visit, type ASTNode, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

/** Marks the context of a warm-up run: the data sources answer it without calling any subgraph. */
export const WARM_UP = Symbol('plan warm-up');

export interface WarmUpReport {
  planned: number;
  failed: string[];
  ms: number;
}

/** One query or mutation of a shipped operations document, printed alone with the fragments it needs. */
export interface ShippedOperation {
  /** Absent for an anonymous operation (a client sends it without an operation name). */
  name?: string;
  source: string;
}

/**
 * The gateway, able to plan the operations the platform ships before the first client sends one. A warm-up runs each
 * operation through the same executor chain as a client request (global-id rewrite, client schema, planner), so the
 * plan lands under the key a client's request computes; the data sources short-circuit it (see `WARM_UP`), so no
 * subgraph is called and nothing is counted as a client request.
 */
export function withPlanWarmUp(gateway: GatewayInterface): GatewayInterface & { warm(operations: ShippedOperation[], logger: Logger): Promise<WarmUpReport> } {
  let executor: GatewayExecutor | null = null;
  let schema: GraphQLSchema | undefined;
  return {
    onSchemaLoadOrUpdate: (callback) =>
      gateway.onSchemaLoadOrUpdate((update) => {
        schema = update.apiSchema;
        callback(update);
      }),
    stop: () => gateway.stop(),
    async load(options) {
      const loaded = await gateway.load(options);
      executor = loaded.executor;
      return loaded;
    },
    async warm(operations, logger) {
      const started = Date.now();
      const failed: string[] = [];
      let planned = 0;
      // A client may name the operation in its request or not; the planner keys the two apart, so both are planned.
      const runs = operations.flatMap((operation) => (operation.name ? [operation, { ...operation, unnamed: true }] : [{ ...operation, unnamed: true, counted: true }]));
      for (const { name, source, unnamed, counted = !unnamed } of runs as (ShippedOperation & { unnamed?: boolean; counted?: boolean })[]) {
        if (!executor || !schema) break;
        const document = parse(source);
        const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
        const operationName = unnamed ? undefined : name;
        try {
          await executor({
            request: { query: source, operationName, variables: {} },
            document,
            operation,
            operationName: name ?? null,
            queryHash: createHash('sha256').update(source).digest('hex'),
            schema,
            contextValue: { [WARM_UP]: true, requestId: 'plan-warm-up', logger },
            logger,
            metrics: {},
            overallCachePolicy: { restrict() {}, replace() {}, policyIfCacheable: () => null },
          } as unknown as Parameters<GatewayExecutor>[0]);
          if (counted) planned += 1;
        } catch (error) {
          if (counted) failed.push(name ?? source.slice(0, 60));
          logger.debug({ err: error, operation: name }, 'query plan not warmed');
        }
      }
      return { planned, failed, ms: Date.now() - started };
    },
  };
}

/** Every query and mutation in the `.graphql` files of `dir` (none if it does not exist). */
export function readShippedOperations(dir: string): ShippedOperation[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .flatMap((file) => operationsOf(parse(readFileSync(path.join(dir, file), 'utf8'))));
}

export function operationsOf(document: DocumentNode): ShippedOperation[] {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  return document.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.operation !== 'subscription')
    .map((operation) => ({ name: operation.name?.value, source: print({ kind: Kind.DOCUMENT, definitions: [operation, ...fragmentsUsedBy(operation, fragments)] }) }));
}

/** The fragments an operation spreads, directly or through other fragments, in the order first reached. */
function fragmentsUsedBy(root: ASTNode, fragments: Map<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const used = new Map<string, FragmentDefinitionNode>();
  const visitFrom = (node: ASTNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (!fragment || used.has(fragment.name.value)) return;
        used.set(fragment.name.value, fragment);
        visitFrom(fragment);
      },
    });
  visitFrom(root);
  return [...used.values()];
}
