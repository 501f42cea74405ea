import DataLoader from 'dataloader';
import type { Caller } from '@crm/auth';
import { NotFoundError } from './errors';

/** The part of the request a batch function may depend on (e.g. the caller, for visibility filters). */
export interface LoaderScope {
  caller: Caller | null;
}

/** Declares a per-request DataLoader; the kernel builds a fresh one for each request on first use. */
export interface LoaderFactory<K, V> {
  readonly name: string;
  create(scope: LoaderScope): DataLoader<K, V, string>;
}

export function defineLoader<K, V>(
  name: string,
  batch: (keys: readonly K[], scope: LoaderScope) => Promise<(V | Error)[]>,
  options: { maxBatchSize?: number } = {},
): LoaderFactory<K, V> {
  return {
    name,
    create: (scope) => new DataLoader<K, V, string>((keys) => batch(keys, scope), { cacheKeyFn: (key) => String(key), maxBatchSize: options.maxBatchSize ?? 500 }),
  };
}

/** The loaders of one request: never shared between requests, so no caller sees another's cache. */
export class LoaderRegistry {
  /** `declared`: the loaders the plugins listed; omitted only where no service runs (unit tests of resolvers). */
  constructor(
    private readonly scope: LoaderScope,
    private readonly declared?: ReadonlySet<LoaderFactory<any, any>>,
  ) {}

  private readonly loaders = new Map<LoaderFactory<unknown, unknown>, DataLoader<unknown, unknown, string>>();

  get<K, V>(factory: LoaderFactory<K, V>): DataLoader<K, V, string> {
    let loader = this.loaders.get(factory as LoaderFactory<unknown, unknown>);
    if (!loader) {
      // A loader no plugin declared would still work, but nobody could tell what a request may batch: fail loudly.
      if (this.declared && !this.declared.has(factory)) throw new Error(`DataLoader ${factory.name} is not declared in any plugin's loaders`);
      loader = (factory as LoaderFactory<unknown, unknown>).create(this.scope);
      this.loaders.set(factory as LoaderFactory<unknown, unknown>, loader);
    }
    return loader as DataLoader<K, V, string>;
  }
}

/** Load a record a non-null field points at; a dangling reference is reported, not returned as null. */
export async function loadExisting<K, V>(loader: DataLoader<K, V | null, string>, key: K, entity: string): Promise<V> {
  const value = await loader.load(key);
  if (value === null || value === undefined) throw new NotFoundError(entity, String(key));
  return value;
}
