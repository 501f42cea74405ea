import { defineLoader, type Clock, type LoaderFactory, type LoaderScope } from '@crm/kernel';
import type { CustomerScopeDirectory } from './customer-scope-directory';

/** What a customer-scoped loader needs: the service's scope directory and its clock (grants expire). */
export interface CustomerScopedLoaderDeps {
  scopes: CustomerScopeDirectory;
  clock: Clock;
}

function visibleTo({ caller }: LoaderScope, customerIds: readonly string[], { scopes, clock }: CustomerScopedLoaderDeps): Promise<Set<string>> {
  return caller ? scopes.visibleCustomerIds(caller, customerIds, clock.now()) : Promise.resolve(new Set<string>());
}

/**
 * A per-request loader keyed by customer id. Only customers the caller may read reach `fetch` (one scope query
 * per batch, shared with the request's other loaders); every other key answers `hidden`, as if there were nothing.
 * `fetch` answers in the order of the ids it was given.
 */
export function defineCustomerKeyedLoader<V>(name: string, deps: CustomerScopedLoaderDeps, hidden: V, fetch: (readableCustomerIds: string[]) => Promise<(V | Error)[]>): LoaderFactory<string, V> {
  return defineLoader<string, V>(name, async (customerIds, scope) => {
    const visible = await visibleTo(scope, customerIds, deps);
    const readable = [...new Set(customerIds.filter((id) => visible.has(id)))];
    const answers = readable.length > 0 ? await fetch(readable) : [];
    const byCustomer = new Map(readable.map((id, i) => [id, answers[i]] as const));
    return customerIds.map((id) => (byCustomer.has(id) ? byCustomer.get(id)! : hidden));
  });
}
