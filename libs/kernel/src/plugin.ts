import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import type { EventHandlerDefinition } from '@crm/events';
import type { Connection, Model } from 'mongoose';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import type { Clock } from './clock';
import type { LoaderFactory } from './loaders';
import type { RequestContext } from './request-context';

/** A typed handle for something one plugin provides to the plugins that depend on it. */
export interface PluginToken<T> {
  readonly name: string;
  readonly __type?: T;
}

export function pluginToken<T>(name: string): PluginToken<T> {
  return { name };
}

/** What the kernel hands a plugin when it registers. */
export interface PluginRuntime<Config> {
  service: string;
  config: Config;
  connection: Connection;
  logger: Logger;
  clock: Clock;
  metrics: Registry;
  /** Ask the outbox relay to publish now (call after a write that carried events). */
  publishPendingEvents(): void;
  /** Share a service with plugins registered later (they list this plugin in `dependsOn`). */
  provide<T>(token: PluginToken<T>, value: T): void;
  use<T>(token: PluginToken<T>): T;
}

/** A job run on a fixed interval, never overlapping itself. */
export interface ScheduledJob {
  name: string;
  intervalMs: number;
  run(): Promise<void>;
}

/** What a plugin contributes once registered. */
export interface PluginContribution {
  resolvers: GraphQLResolverMap<RequestContext>;
  models?: Model<any>[];
  loaders?: LoaderFactory<any, any>[];
  eventHandlers?: EventHandlerDefinition<any>[];
  jobs?: ScheduledJob[];
  healthChecks?: Record<string, () => Promise<boolean>>;
  onStart?(): Promise<void>;
  onStop?(): Promise<void>;
}

/** A capability of a service: its SDL file(s) under schema/<service>/, its config slice and its parts. */
export interface ServicePlugin<S extends z.ZodObject = z.ZodObject> {
  name: string;
  dependsOn?: string[];
  /** File names under `schema/<service>/`; together the plugins must claim every file there. */
  sdl: string[];
  config?: S;
  register(runtime: PluginRuntime<z.infer<S>>): PluginContribution | Promise<PluginContribution>;
}

export function definePlugin<S extends z.ZodObject>(plugin: ServicePlugin<S>): ServicePlugin<S> {
  return plugin;
}

/** Plugins in an order where each comes after what it depends on. */
export function orderPlugins(plugins: ServicePlugin<any>[]): ServicePlugin<any>[] {
  const byName = new Map(plugins.map((p) => [p.name, p]));
  const ordered: ServicePlugin<any>[] = [];
  const visiting = new Set<string>();
  const visit = (plugin: ServicePlugin<any>) => {
    if (ordered.includes(plugin)) return;
    if (visiting.has(plugin.name)) throw new Error(`Plugin dependency cycle through ${plugin.name}`);
    visiting.add(plugin.name);
    for (const dependency of plugin.dependsOn ?? []) {
      const required = byName.get(dependency);
      if (!required) throw new Error(`Plugin ${plugin.name} depends on ${dependency}, which is not registered`);
      visit(required);
    }
    visiting.delete(plugin.name);
    ordered.push(plugin);
  };
  plugins.forEach(visit);
  return ordered;
}
