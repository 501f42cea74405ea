/**
 * The subgraphs of the platform, in one list. Codegen, the supergraph composition, the gateway's
 * SUBGRAPH_<NAME>_URL variables and the `npm start` launcher all read it, so a new service adds one entry here
 * (and its folders: apps/<name>, schema/<name>). No imports: codegen.ts loads this file on its own.
 */
export const serviceRegistry = [
  { name: 'accounts', port: 4001, database: 'crm_accounts' },
  { name: 'engagement', port: 4002, database: 'crm_engagement' },
  { name: 'service-desk', port: 4003, database: 'crm_service_desk' },
  { name: 'surveys', port: 4004, database: 'crm_surveys' },
  { name: 'credit', port: 4005, database: 'crm_credit' },
] as const;

/** The gateway's default port, in front of the subgraphs' ports. */
export const GATEWAY_DEFAULT_PORT = 4000;

export type ServiceRegistration = (typeof serviceRegistry)[number];

/** A service that owns a subgraph, a database and a JetStream stream. */
export type ServiceName = ServiceRegistration['name'];

export const serviceNames: readonly ServiceName[] = serviceRegistry.map((service) => service.name);

type Underscored<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}_${Underscored<Tail>}` : S;

/** `service-desk` → `SUBGRAPH_SERVICE_DESK_URL`: the gateway variable that overrides the subgraph's routing URL. */
export type SubgraphUrlVariable<N extends ServiceName = ServiceName> = N extends ServiceName ? `SUBGRAPH_${Uppercase<Underscored<N>>}_URL` : never;

export function subgraphUrlVariable<N extends ServiceName>(name: N): SubgraphUrlVariable<N> {
  return `SUBGRAPH_${name.replace(/-/g, '_').toUpperCase()}_URL` as SubgraphUrlVariable<N>;
}

/** Routing URLs on this machine, at each service's default port. */
export function localSubgraphUrls(host = 'localhost'): Record<ServiceName, string> {
  return Object.fromEntries(serviceRegistry.map(({ name, port }) => [name, `http://${host}:${port}/graphql`])) as Record<ServiceName, string>;
}
