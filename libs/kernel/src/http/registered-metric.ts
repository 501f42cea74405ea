import type { Metric, Registry } from 'prom-client';

/**
 * Return the metric already registered under `name`, or create it.
 * prom-client throws when a name is registered twice; two shells sharing one registry (gateway + kernel) must not.
 */
export function registeredMetric<M extends Metric>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}
