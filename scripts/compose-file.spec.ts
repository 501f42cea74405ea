/**
 * Structure checks for the deployment files (no Docker engine or cluster runs here):
 * docker-compose.yml, the root Dockerfile and .dockerignore, infra/nats/nats-server.conf
 * and the Kustomize base under infra/k8s/base. See docs/adr/0004-deployment-shape.md.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const root = path.resolve(__dirname, '..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

const SUBGRAPH_PORTS: Record<string, number> = {
  accounts: 4001,
  engagement: 4002,
  'service-desk': 4003,
  surveys: 4004,
  credit: 4005,
};
const APP_PORTS: Record<string, number> = { gateway: 4000, ...SUBGRAPH_PORTS };
const SUBGRAPHS = Object.keys(SUBGRAPH_PORTS);
const APPS = Object.keys(APP_PORTS);
const SUBGRAPH_URL_VARIABLES: Record<string, string> = {
  accounts: 'SUBGRAPH_ACCOUNTS_URL',
  engagement: 'SUBGRAPH_ENGAGEMENT_URL',
  'service-desk': 'SUBGRAPH_SERVICE_DESK_URL',
  surveys: 'SUBGRAPH_SURVEYS_URL',
  credit: 'SUBGRAPH_CREDIT_URL',
};
const databaseOf = (service: string): string => `crm_${service.replace(/-/g, '_')}`;

/** Paths that only exist on somebody's machine; none may appear in a deployment file. */
const HOST_PATH = /(^|[\s"'=:])(\/home\/|\/Users\/|\/work\/|\/tmp\/|\/mnt\/|[A-Za-z]:\\|~\/)/m;

// ---------------------------------------------------------------------------
// Compose helpers: the file may use either of Compose's short and long syntaxes.

type Dict = Record<string, unknown>;

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Dict | string[] };
  command?: string | string[];
  environment?: Dict | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | number | { target?: number | string; published?: number | string })[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** What Compose would substitute with an empty environment: `${X:-d}` and `${X-d}` give d, `${X}` gives ''. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}/g, (_, fallback: string | undefined) => fallback ?? '');
}

function toMap(value: Dict | string[] | undefined): Record<string, string> {
  if (!value) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]));
}

function envOf(service: ComposeService): Record<string, string> {
  return toMap(service.environment);
}

function commandOf(service: ComposeService): string[] {
  const { command } = service;
  if (!command) return [];
  return Array.isArray(command) ? command.map(String) : command.split(/\s+/).filter(Boolean);
}

function dependsOn(service: ComposeService): Record<string, string> {
  const deps = service.depends_on;
  if (!deps) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, spec]) => [name, spec?.condition ?? 'service_started']));
}

function healthcheckText(service: ComposeService): string {
  const test = service.healthcheck?.test;
  if (!test) return '';
  return Array.isArray(test) ? test.join(' ') : test;
}

function volumeMounts(service: ComposeService): { source: string; target: string }[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume === 'string') {
      const [source, target] = volume.split(':');
      return { source: target === undefined ? '' : source, target: target ?? source };
    }
    return { source: volume.source ?? '', target: volume.target ?? '' };
  });
}

function publishedTargets(service: ComposeService): number[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return Number(port.target);
    const spec = withDefaults(String(port)).replace(/\/(tcp|udp)$/, '');
    return Number(spec.split(':').pop());
  });
}

function flagValue(args: string[], ...names: string[]): string | undefined {
  const at = args.findIndex((arg) => names.includes(arg));
  return at < 0 ? undefined : args[at + 1];
}

const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as ComposeFile;
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
};
const mongoReplicaSet = (): string | undefined => flagValue(commandOf(service('mongo')), '--replSet');

describe('docker-compose.yml', () => {
  test.each(APPS)('declares a service for the %s app', (app) => {
    expect(compose.services[app]).toBeDefined();
  });

  test.each(APPS)('builds the %s service from the root Dockerfile with APP set to its name', (app) => {
    const { build } = service(app);
    expect(typeof build).toBe('object');
    const spec = build as Exclude<ComposeService['build'], string | undefined>;
    expect(path.normalize(spec.context ?? '.')).toBe('.');
    expect(spec.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
    expect(toMap(spec.args).APP).toBe(app);
  });

  test.each(APPS)('gives the %s service the PORT documented for it', (app) => {
    expect(withDefaults(envOf(service(app)).PORT ?? '')).toBe(String(APP_PORTS[app]));
  });

  test('runs mongo as the rs0 replica set', () => {
    expect(commandOf(service('mongo'))).toContain('--replSet');
    expect(mongoReplicaSet()).toBe('rs0');
  });

  test('initiates the mongo replica set in its healthcheck and is healthy only with a primary', () => {
    const check = healthcheckText(service('mongo'));
    expect(check).toContain('mongosh');
    expect(check).toContain('rs.initiate(');
    // Idempotent: initiate only when the set reports it is not initialised yet.
    expect(check).toMatch(/NotYetInitialized|rs\.status\(\)/);
    expect(check).toMatch(/isWritablePrimary|ismaster|\.primary/);
  });

  test('runs nats with JetStream storing to a named volume', () => {
    const nats = service('nats');
    const args = commandOf(nats);
    expect(args.some((arg) => arg === '-js' || arg === '--jetstream')).toBe(true);
    const storeDir = flagValue(args, '-sd', '--store_dir');
    expect(storeDir).toBeDefined();
    const mount = volumeMounts(nats).find((m) => m.target === storeDir);
    expect(mount).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(mount?.source);
  });

  test('mounts infra/nats/nats-server.conf into nats and starts nats with it', () => {
    const nats = service('nats');
    const mount = volumeMounts(nats).find((m) => path.normalize(m.source) === path.normalize('infra/nats/nats-server.conf'));
    expect(mount).toBeDefined();
    expect(flagValue(commandOf(nats), '-c', '--config')).toBe(mount?.target);
  });

  test('checks nats health on the monitoring port with JetStream required', () => {
    expect(healthcheckText(service('nats'))).toMatch(/:8222\/healthz\?js-enabled-only=true/);
  });

  test.each(Object.keys(compose.services))('gives the %s service a healthcheck', (name) => {
    const { healthcheck } = service(name);
    expect(healthcheck?.disable).not.toBe(true);
    expect(healthcheckText(service(name)).trim()).not.toBe('');
  });

  test.each(APPS)('probes /readyz in the %s healthcheck', (app) => {
    expect(healthcheckText(service(app))).toContain('/readyz');
  });

  test.each(SUBGRAPHS)('points %s at its own database on the replica set', (subgraph) => {
    const url = new URL(withDefaults(envOf(service(subgraph)).MONGO_URL ?? ''));
    expect(url.protocol).toBe('mongodb:');
    expect(url.hostname).toBe('mongo');
    expect(url.pathname).toBe(`/${databaseOf(subgraph)}`);
    expect(url.searchParams.get('replicaSet')).toBe(mongoReplicaSet());
  });

  test('gives every subgraph a different database', () => {
    const databases = SUBGRAPHS.map((subgraph) => new URL(withDefaults(envOf(service(subgraph)).MONGO_URL ?? '')).pathname);
    expect(new Set(databases).size).toBe(SUBGRAPHS.length);
  });

  test.each(SUBGRAPHS)('points %s at the nats service', (subgraph) => {
    const url = new URL(withDefaults(envOf(service(subgraph)).NATS_URL ?? ''));
    expect(url.protocol).toBe('nats:');
    expect(url.hostname).toBe('nats');
    expect(url.port).toBe('4222');
  });

  test.each(SUBGRAPHS)('starts %s only once mongo and nats are healthy', (subgraph) => {
    const deps = dependsOn(service(subgraph));
    expect(deps.mongo).toBe('service_healthy');
    expect(deps.nats).toBe('service_healthy');
  });

  test('starts the gateway without waiting for any subgraph', () => {
    const deps = Object.keys(dependsOn(service('gateway')));
    expect(deps.filter((name) => SUBGRAPHS.includes(name))).toEqual([]);
  });

  test.each(SUBGRAPHS)('routes the gateway to %s by its service name and port', (subgraph) => {
    const variable = SUBGRAPH_URL_VARIABLES[subgraph];
    const url = new URL(withDefaults(envOf(service('gateway'))[variable] ?? ''));
    expect(url.protocol).toBe('http:');
    expect(url.hostname).toBe(subgraph);
    expect(url.port).toBe(String(SUBGRAPH_PORTS[subgraph]));
    expect(url.pathname).toBe('/graphql');
  });

  test('publishes the gateway on container port 4000', () => {
    expect(publishedTargets(service('gateway'))).toContain(4000);
  });

  test('publishes no service but the gateway on the host', () => {
    const published = Object.entries(compose.services)
      .filter(([name, svc]) => name !== 'gateway' && (svc.ports ?? []).length > 0)
      .map(([name]) => name);
    expect(published).toEqual([]);
  });

  test('shares one JWT_SECRET across the apps, required from the environment with no fallback', () => {
    const secrets = new Set(APPS.map((app) => envOf(service(app)).JWT_SECRET));
    expect(secrets.size).toBe(1);
    const [secret] = [...secrets];
    // `${JWT_SECRET:?message}`: Compose stops with the message when it is unset or empty, before starting anything.
    const required = /^\$\{JWT_SECRET:\?(.+)\}$/.exec(secret ?? '');
    expect(required).not.toBeNull();
    expect(required?.[1]).toMatch(/32 bytes/);
  });

  test('falls back to no default for a secret anywhere in the file', () => {
    const fallbacks = [...composeText.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?-[^}]*\}/g)].map((m) => m[1]);
    expect(fallbacks.length).toBeGreaterThan(0);
    expect(fallbacks.filter((variable) => /SECRET|PASSWORD|TOKEN|KEY/i.test(variable ?? ''))).toEqual([]);
  });

  test('runs the apps with NODE_ENV=production, so a secret the repository ships is refused at start', () => {
    for (const app of APPS) expect(envOf(service(app)).NODE_ENV).toBe('production');
  });

  test('declares every named volume it mounts', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const named = Object.values(compose.services)
      .flatMap(volumeMounts)
      .map((m) => m.source)
      .filter((source) => source && !source.startsWith('.') && !source.startsWith('/'));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((source) => !declared.includes(source))).toEqual([]);
  });

  test('bind-mounts only paths relative to the repository', () => {
    const binds = Object.values(compose.services)
      .flatMap(volumeMounts)
      .map((m) => m.source)
      .filter((source) => source.includes('/') || source.startsWith('.'));
    expect(binds.filter((source) => !source.startsWith('./'))).toEqual([]);
  });

  test('contains no host path of a developer machine', () => {
    expect(composeText).not.toMatch(HOST_PATH);
  });
});

// ---------------------------------------------------------------------------

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const stages = dockerfile.split(/^FROM\s+/m).slice(1);
  const runtime = stages[stages.length - 1] ?? '';
  const globalArgs = toMap(
    (dockerfile.split(/^FROM\s+/m)[0] ?? '').match(/^ARG\s+\S+/gm)?.map((line) => line.replace(/^ARG\s+/, '')) ?? [],
  );
  const resolveImage = (from: string): string => from.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => globalArgs[name] ?? '');

  test('declares ARG APP', () => {
    expect(dockerfile).toMatch(/^ARG APP(\s|=|$)/m);
  });

  test('builds the chosen app with nx', () => {
    expect(dockerfile).toMatch(/nx run "?\$\{?APP\}?:build"?/);
  });

  test('installs all dependencies from the lockfile for the build', () => {
    const installs = dockerfile.split('\n').filter((line) => /\bnpm install --no-audit\b/.test(line) && !line.trim().startsWith('#'));
    expect(installs.some((line) => !line.includes('--omit=dev'))).toBe(true);
  });

  test('installs production dependencies only for the runtime image', () => {
    expect(dockerfile).toMatch(/npm install --omit=dev/);
    expect(runtime).toMatch(/^COPY --from=\S+ \/app\/node_modules \.\/node_modules/m);
  });

  test('runs on node:20-bookworm-slim', () => {
    expect(resolveImage(runtime.split(/\s/)[0] ?? '')).toBe('node:20-bookworm-slim');
  });

  test('runs as a non-root user', () => {
    const user = runtime.match(/^USER\s+(\S+)/m)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
  });

  test('sets NODE_ENV=production in the runtime image', () => {
    expect(runtime).toMatch(/NODE_ENV=production/);
  });

  test('ships the bundle and the schema folder side by side under /app', () => {
    expect(runtime).toMatch(/^WORKDIR \/app$/m);
    expect(runtime).toMatch(/^COPY --from=\S+ \/app\/dist\/apps\/\$\{APP\} \.\/dist\/apps\/\$\{APP\}$/m);
    expect(runtime).toMatch(/^COPY schema \.\/schema$/m);
  });

  test('exposes a port and checks /healthz with node', () => {
    expect(runtime).toMatch(/^EXPOSE\s+\S+/m);
    expect(runtime).toMatch(/^HEALTHCHECK[\s\S]*CMD \["node"[^\n]*\/healthz/m);
  });

  test('starts the app bundle chosen by APP through an ENV', () => {
    expect(runtime).toMatch(/APP_MAIN=dist\/apps\/\$\{APP\}\/main\.js/);
    expect(runtime).toMatch(/^CMD \[.*exec node \\"\$APP_MAIN\\".*\]$/m);
  });
});

describe('.dockerignore', () => {
  const entries = read('.dockerignore')
    .split('\n')
    .map((line) => line.trim().replace(/^\*\*\//, '').replace(/\/$/, ''))
    .filter((line) => line && !line.startsWith('#'));

  test.each(['node_modules', 'dist', '.data', '.git', '.nx', 'coverage', '.reports', 'infra/mongo-server/target'])(
    'keeps %s out of the build context',
    (entry) => {
      expect(entries).toContain(entry);
    },
  );
});

describe('infra/nats/nats-server.conf', () => {
  const conf = read('infra/nats/nats-server.conf').replace(/#.*$/gm, '');

  test('enables JetStream', () => {
    expect(conf).toMatch(/^jetstream\s*[:{]/m);
  });

  test('serves monitoring on port 8222', () => {
    expect(conf).toMatch(/^(http|http_port|monitor_port)\s*[:=]\s*("?[\d.]*:)?8222/m);
  });

  test('sets a maximum payload', () => {
    expect(conf).toMatch(/^max_payload\s*[:=]\s*\S+/m);
  });

  test('leaves the store directory to the -sd flag so nats-server 2.9 accepts both', () => {
    expect(conf).not.toMatch(/store_dir/);
  });
});

// ---------------------------------------------------------------------------

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: Dict;
}
interface Probe {
  httpGet?: { path?: string; port?: number | string };
}
interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { terminationGracePeriodSeconds?: number; containers: Container[] };
}
interface Kustomization {
  resources?: string[];
  images?: { name: string }[];
  configMapGenerator?: { name: string; literals?: string[] }[];
}

describe('infra/k8s/base', () => {
  const base = 'infra/k8s/base';
  const kustomization = parse(read(`${base}/kustomization.yaml`)) as Kustomization;
  const manifestFiles = readdirSync(path.join(root, base)).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml');
  const objects: K8sObject[] = (kustomization.resources ?? []).flatMap((file) =>
    parseAllDocuments(read(`${base}/${file}`))
      .map((doc) => doc.toJS() as K8sObject | null)
      .filter((obj): obj is K8sObject => obj !== null),
  );
  const find = (kind: string, name: string): K8sObject | undefined => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const podTemplate = (app: string): PodTemplate => {
    const deployment = find('Deployment', app);
    if (!deployment) throw new Error(`no Deployment ${app}`);
    return deployment.spec.template as PodTemplate;
  };
  const container = (app: string): Container => {
    const found = podTemplate(app).spec.containers.find((c) => c.name === app) ?? podTemplate(app).spec.containers[0];
    if (!found) throw new Error(`Deployment ${app} has no container`);
    return found;
  };
  const configLiterals = (name: string): Record<string, string> =>
    toMap(kustomization.configMapGenerator?.find((g) => g.name === name)?.literals);
  const probePortMatches = (app: string, probe: Probe | undefined): boolean => {
    const port = probe?.httpGet?.port;
    const declared = container(app).ports ?? [];
    return declared.some((p) => p.containerPort === APP_PORTS[app] && (p.name === port || p.containerPort === Number(port)));
  };

  test('lists every manifest of the folder in kustomization.yaml', () => {
    expect([...(kustomization.resources ?? [])].sort()).toEqual([...manifestFiles].sort());
  });

  test.each(APPS)('has a Deployment for %s', (app) => {
    expect(find('Deployment', app)).toBeDefined();
  });

  test.each(APPS)('probes readiness of %s on /readyz', (app) => {
    const probe = container(app).readinessProbe;
    expect(probe?.httpGet?.path).toBe('/readyz');
    expect(probePortMatches(app, probe)).toBe(true);
  });

  test.each(APPS)('probes liveness of %s on /healthz', (app) => {
    const probe = container(app).livenessProbe;
    expect(probe?.httpGet?.path).toBe('/healthz');
    expect(probePortMatches(app, probe)).toBe(true);
  });

  test.each(APPS)('sets cpu and memory requests and limits for %s', (app) => {
    const { resources } = container(app);
    for (const bound of [resources?.requests, resources?.limits]) {
      expect(bound?.cpu).toBeDefined();
      expect(bound?.memory).toBeDefined();
    }
  });

  test.each(APPS)('gives %s longer to stop than preStop plus SHUTDOWN_TIMEOUT_MS', (app) => {
    const shutdownMs = Number(configLiterals('crm-config').SHUTDOWN_TIMEOUT_MS);
    expect(shutdownMs).toBeGreaterThan(0);
    const preStopSeconds = Number(container(app).lifecycle?.preStop?.exec?.command?.find((arg) => /^\d+$/.test(arg)) ?? 0);
    expect((podTemplate(app).spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(shutdownMs + preStopSeconds * 1000);
  });

  test.each(APPS)('feeds %s its env from the crm-config ConfigMap and the JWT Secret', (app) => {
    const sources = container(app).envFrom ?? [];
    expect(sources.map((s) => s.configMapRef?.name)).toContain('crm-config');
    expect(sources.map((s) => s.secretRef?.name)).toContain('crm-jwt');
  });

  test.each(SUBGRAPHS)('reads MONGO_URL for %s from its own key of the crm-mongo Secret', (subgraph) => {
    const mongo = container(subgraph).env?.find((e) => e.name === 'MONGO_URL');
    expect(mongo?.valueFrom?.secretKeyRef).toEqual({ name: 'crm-mongo', key: subgraph });
  });

  test.each(APPS)('annotates %s pods for Prometheus scraping of /metrics', (app) => {
    const annotations = podTemplate(app).metadata.annotations ?? {};
    expect(annotations['prometheus.io/scrape']).toBe('true');
    expect(annotations['prometheus.io/port']).toBe(String(APP_PORTS[app]));
    expect(annotations['prometheus.io/path']).toBe('/metrics');
  });

  test.each(APPS)('exposes %s through a Service selecting its pods', (app) => {
    const svc = find('Service', app);
    const selector = (svc?.spec.selector ?? {}) as Record<string, string>;
    expect(Object.keys(selector).length).toBeGreaterThan(0);
    expect(podTemplate(app).metadata.labels).toMatchObject(selector);
    expect((svc?.spec.ports as { port: number }[]).map((p) => p.port)).toContain(APP_PORTS[app]);
  });

  test.each(APPS)('protects %s with a PodDisruptionBudget selecting its pods', (app) => {
    const pdb = find('PodDisruptionBudget', app);
    expect(pdb?.apiVersion).toBe('policy/v1');
    const selector = ((pdb?.spec.selector as { matchLabels?: Record<string, string> }) ?? {}).matchLabels ?? {};
    expect(Object.keys(selector).length).toBeGreaterThan(0);
    expect(podTemplate(app).metadata.labels).toMatchObject(selector);
    expect(pdb?.spec.maxUnavailable).toBe(1);
  });

  test.each(APPS)('scales %s with an autoscaling/v2 HorizontalPodAutoscaler on CPU, from two replicas', (app) => {
    const hpa = find('HorizontalPodAutoscaler', app);
    expect(hpa?.apiVersion).toBe('autoscaling/v2');
    expect(hpa?.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: app });
    expect(hpa?.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(Number(hpa?.spec.maxReplicas)).toBeGreaterThan(Number(hpa?.spec.minReplicas));
    const metrics = (hpa?.spec.metrics ?? []) as { type: string; resource?: { name: string; target?: { type: string } } }[];
    expect(metrics.filter((m) => m.type === 'Resource' && m.resource?.name === 'cpu').length).toBe(1);
  });

  test.each(APPS)('leaves the replica count of %s to its autoscaler (no replicas in the Deployment)', (app) => {
    expect(find('Deployment', app)?.spec.replicas).toBeUndefined();
  });

  test.each(APPS)('names a separate image for %s so it ships with its own tag', (app) => {
    const image = container(app).image.split(':')[0];
    expect((kustomization.images ?? []).map((i) => i.name)).toContain(image);
    expect(image).toMatch(new RegExp(`/${app}$`));
  });

  test.each(SUBGRAPHS)('routes the gateway to the %s Service and port', (subgraph) => {
    const url = new URL(configLiterals('gateway-config')[SUBGRAPH_URL_VARIABLES[subgraph] ?? ''] ?? '');
    expect(url.hostname).toBe(subgraph);
    expect(url.port).toBe(String(SUBGRAPH_PORTS[subgraph]));
  });

  test('contains no host path of a developer machine', () => {
    for (const file of ['kustomization.yaml', ...manifestFiles]) {
      expect(read(`${base}/${file}`)).not.toMatch(HOST_PATH);
    }
  });

  test('ships a README explaining per-service releases', () => {
    expect(existsSync(path.join(root, 'infra/k8s/README.md'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------

describe('infra/k8s/overlays', () => {
  const overlay = (name: string): Kustomization & { patches?: { target?: { kind?: string; name?: string }; patch?: string }[] } =>
    parse(read(`infra/k8s/overlays/${name}/kustomization.yaml`));
  const production = overlay('production');
  const productionObjects: K8sObject[] = (production.resources ?? [])
    .filter((file) => !file.startsWith('..'))
    .flatMap((file) => parseAllDocuments(read(`infra/k8s/overlays/production/${file}`)).map((doc) => doc.toJS() as K8sObject));
  const findIn = (kind: string, name: string): K8sObject | undefined => productionObjects.find((o) => o.kind === kind && o.metadata.name === name);
  type PodSpec = { containers: { name: string; args?: string[]; command?: string[] }[] };
  const podSpecOf = (obj: K8sObject | undefined): PodSpec => ((obj?.spec.template as { spec: PodSpec }) ?? { spec: { containers: [] } }).spec;
  const scriptOf = (obj: K8sObject | undefined): string => podSpecOf(obj).containers.flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]).join(' ');
  const selects = (service: K8sObject | undefined, set: K8sObject | undefined): boolean => {
    const selector = (service?.spec.selector ?? {}) as Record<string, string>;
    const labels = ((set?.spec.template as PodTemplate | undefined)?.metadata.labels ?? {}) as Record<string, string>;
    return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
  };

  test('production runs a three-server NATS cluster with JetStream on file storage and routes to every server', () => {
    const nats = findIn('StatefulSet', 'nats');
    expect(nats?.spec.replicas).toBe(3);
    const headless = findIn('Service', String(nats?.spec.serviceName));
    expect(headless?.spec.clusterIP).toBe('None');
    expect(selects(headless, nats)).toBe(true);
    const conf = String((findIn('ConfigMap', 'nats-config') as unknown as { data: Record<string, string> }).data['nats.conf']);
    expect(conf).toMatch(/jetstream\s*\{[^}]*store_dir:\s*\/data/);
    expect(conf).toMatch(/cluster\s*\{[\s\S]*listen:\s*[\d.]*:6222/);
    for (const i of [0, 1, 2]) expect(conf).toContain(`nats://nats-${i}.${headless?.metadata.name}:6222`);
    const claims = (nats?.spec.volumeClaimTemplates ?? []) as { metadata: { name: string } }[];
    expect(claims.map((c) => c.metadata.name)).toContain('data');
    expect(findIn('PodDisruptionBudget', 'nats')?.spec.maxUnavailable).toBe(1);
  });

  test('production keeps every stream on three replicas with file storage', () => {
    const job = scriptOf(findIn('Job', 'crm-streams'));
    for (const stream of ['CRM_ACCOUNTS', 'CRM_ENGAGEMENT', 'CRM_SERVICE_DESK', 'CRM_SURVEYS', 'CRM_CREDIT', 'CRM_DEADLETTER']) expect(job).toContain(stream);
    expect(job).toContain('--replicas 3');
    expect(job).toContain('--storage file');
  });

  test('production points NATS_URL at the NATS cluster\'s client Service', () => {
    const url = new URL(toMap(production.configMapGenerator?.find((g) => g.name === 'crm-config')?.literals).NATS_URL ?? '');
    expect(url.port).toBe('4222');
    expect(selects(findIn('Service', url.hostname), findIn('StatefulSet', 'nats'))).toBe(true);
  });

  test('production runs a MongoDB replica set rs0 of three members with an init Job naming them', () => {
    const mongo = findIn('StatefulSet', 'mongo');
    expect(mongo?.spec.replicas).toBe(3);
    expect(scriptOf(mongo)).toMatch(/--replSet[\s=]+rs0/);
    const headless = findIn('Service', String(mongo?.spec.serviceName));
    expect(headless?.spec.clusterIP).toBe('None');
    expect(selects(headless, mongo)).toBe(true);
    const init = scriptOf(findIn('Job', 'mongo-init'));
    expect(init).toContain('rs.initiate(');
    for (const i of [0, 1, 2]) expect(init).toContain(`mongo-${i}.${headless?.metadata.name}:27017`);
    expect(findIn('PodDisruptionBudget', 'mongo')?.spec.maxUnavailable).toBe(1);
  });

  test('production tells how each service\'s MONGO_URL names the replica set members', () => {
    const text = read('infra/k8s/overlays/production/kustomization.yaml');
    expect(text).toContain('mongo-0.mongo:27017,mongo-1.mongo:27017,mongo-2.mongo:27017/crm_accounts?replicaSet=rs0');
  });

  test('dev pins every autoscaler to one replica', () => {
    const patch = (overlay('dev').patches ?? []).find((p) => p.target?.kind === 'HorizontalPodAutoscaler' && !p.target.name);
    expect(patch?.patch).toMatch(/minReplicas[\s\S]*value: 1/);
    expect(patch?.patch).toMatch(/maxReplicas[\s\S]*value: 1/);
  });
});
