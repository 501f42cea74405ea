import type { EventHandlerDefinition } from '@crm/events';
import type { Connection, Model } from 'mongoose';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { z } from 'zod';
import type { Clock } from './clock';
import type { LoaderFactory } from './loaders';

/** A typed handle for something one plugin provides to the plugins that use it. */
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
  /** Share a service with the plugins that list this token in `uses`; the token must be in this plugin's `provides`. */
  provide<T>(token: PluginToken<T>, value: T): void;
  /** A service an earlier plugin provided; the token must be in this plugin's `uses`. */
  use<T>(token: PluginToken<T>): T;
  /** The sequence of the last event in this service's stream now (events are published through the outbox, not here). */
  streamPosition(): Promise<number>;
}

/** A job run on a fixed interval, never overlapping itself. */
export interface ScheduledJob {
  name: string;
  intervalMs: number;
  run(): Promise<void>;
}

/**
 * What a plugin contributes once registered. `Resolvers` is the service's own generated resolver map, so a
 * plugin's resolvers are checked against its SDL; the kernel makes the one cast to Apollo's resolver map.
 */
export interface PluginContribution<Resolvers = unknown> {
  resolvers?: Resolvers;
  /** Every model the plugin reads or writes: the kernel creates their indexes and relays the outbox of those that carry one. */
  models?: Model<any>[];
  /** Every per-request DataLoader the plugin's resolvers use; asking a request for an undeclared one fails at once. */
  loaders?: LoaderFactory<any, any>[];
  eventHandlers?: EventHandlerDefinition<any>[];
  jobs?: ScheduledJob[];
  healthChecks?: Record<string, () => Promise<boolean>>;
  onStart?(): Promise<void>;
  onStop?(): Promise<void>;
}

/** A capability of a service: its SDL file(s) under schema/<service>/, its config slice and its parts. */
export interface ServicePlugin<Resolvers = unknown, S extends z.ZodObject = z.ZodObject> {
  name: string;
  /** File names under `schema/<service>/`; together the plugins must claim every file there. */
  sdl: string[];
  config?: S;
  /** Tokens this plugin reads: the plugins providing them register first (this is the whole dependency list). */
  uses?: readonly PluginToken<any>[];
  /** Tokens this plugin provides. */
  provides?: readonly PluginToken<any>[];
  register(runtime: PluginRuntime<z.infer<S>>): PluginContribution<Resolvers> | Promise<PluginContribution<Resolvers>>;
}

/**
 * The `definePlugin` of one service, typed by that service's generated `Resolvers`:
 * `export const definePlugin = pluginDefinerFor<Resolvers>();` in `apps/<service>/src/define-plugin.ts`.
 */
export function pluginDefinerFor<Resolvers>() {
  return function definePlugin<S extends z.ZodObject = z.ZodObject>(plugin: ServicePlugin<Resolvers, S>): ServicePlugin<Resolvers, S> {
    return plugin;
  };
}

/** A plugin that adds nothing to the schema (projections, consumers): usable by every service. */
export const defineSchemaLessPlugin = pluginDefinerFor<never>();

/** Plugins in an order where each comes after the providers of every token it uses. */
export function orderPlugins<P extends ServicePlugin<any, any>>(plugins: P[]): P[] {
  const providerOf = new Map<string, P>();
  for (const plugin of plugins) {
    for (const token of plugin.provides ?? []) {
      const other = providerOf.get(token.name);
      if (other) throw new Error(`${token.name} is provided by both ${other.name} and ${plugin.name}`);
      providerOf.set(token.name, plugin);
    }
  }
  const ordered: P[] = [];
  const visiting = new Set<P>();
  const visit = (plugin: P) => {
    if (ordered.includes(plugin)) return;
    if (visiting.has(plugin)) throw new Error(`Plugin dependency cycle through ${plugin.name}`);
    visiting.add(plugin);
    for (const token of plugin.uses ?? []) {
      const provider = providerOf.get(token.name);
      if (!provider) throw new Error(`Plugin ${plugin.name} uses ${token.name}, which no registered plugin provides`);
      if (provider !== plugin) visit(provider);
    }
    visiting.delete(plugin);
    ordered.push(plugin);
  };
  plugins.forEach(visit);
  return ordered;
}
