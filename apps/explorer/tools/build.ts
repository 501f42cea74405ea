// Builds the gateway's GraphQL explorer into dist/apps/explorer with esbuild: GraphiQL, React, the graphql-ws client
// and Monaco's editor workers, all bundled, so the page loads nothing but the gateway's own files (no CDN; works
// offline). The gateway serves index.html at GET /graphql and the rest under /explorer/ (apps/gateway/src/explorer.ts).
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

const appDir = path.resolve(__dirname, '..');
export const EXPLORER_SOURCE = path.join(appDir, 'src');
export const EXPLORER_DIST = path.resolve(appDir, '../../dist/apps/explorer');

// Monaco asks MonacoEnvironment.getWorker (src/explorer.tsx) for these by label; classic workers, one file each.
const WORKERS = {
  'workers/editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
  'workers/json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
  'workers/graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
};

export async function buildExplorer(outdir = EXPLORER_DIST): Promise<void> {
  await mkdir(outdir, { recursive: true });
  const shared = { bundle: true, target: 'es2022', minify: true, sourcemap: true, define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'warning' } as const;
  await Promise.all([
    build({
      ...shared,
      entryPoints: { explorer: path.join(EXPLORER_SOURCE, 'explorer.tsx') },
      outdir,
      format: 'esm',
      jsx: 'automatic',
      // Monaco's codicon font, referenced from its CSS.
      loader: { '.ttf': 'file' },
    }),
    build({ ...shared, entryPoints: Object.fromEntries(Object.entries(WORKERS).map(([out, entry]) => [out, require.resolve(entry)])), outdir, format: 'iife' }),
  ]);
  await copyFile(path.join(EXPLORER_SOURCE, 'index.html'), path.join(outdir, 'index.html'));
}

/** True when the bundle is missing or older than any source file. */
export async function explorerBuildStale(outdir = EXPLORER_DIST): Promise<boolean> {
  const built = await stat(path.join(outdir, 'explorer.js')).catch(() => undefined);
  if (!built) return true;
  const sources = await readdir(EXPLORER_SOURCE, { recursive: true, withFileTypes: true });
  const times = await Promise.all(sources.filter((entry) => entry.isFile()).map(async (entry) => (await stat(path.join(entry.parentPath, entry.name))).mtimeMs));
  return times.some((time) => time > built.mtimeMs);
}

/** Build unless the bundle is up to date (npm start, the browser tests). */
export async function buildExplorerWhenStale(outdir = EXPLORER_DIST): Promise<boolean> {
  if (!(await explorerBuildStale(outdir))) return false;
  await buildExplorer(outdir);
  return true;
}

if (require.main === module) {
  const started = Date.now();
  buildExplorer().then(
    () => console.log(`explorer built into ${path.relative(process.cwd(), EXPLORER_DIST)} in ${Date.now() - started} ms`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
