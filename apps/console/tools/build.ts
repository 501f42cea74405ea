// Builds the console into dist/apps/console with esbuild: one bundle per page (the dashboard, the partner-portal
// example), React, Apollo Client and Chart.js included, so the pages load nothing from elsewhere.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

const appDir = path.resolve(__dirname, '..');
export const CONSOLE_SOURCE = path.join(appDir, 'src');
export const CONSOLE_DIST = path.resolve(appDir, '../../dist/apps/console');
const PAGES = ['dashboard', 'partner'];
const STATIC = ['index.html', 'partner.html', 'console.css'];

export async function buildConsole(outdir = CONSOLE_DIST): Promise<void> {
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: PAGES.map((page) => path.join(CONSOLE_SOURCE, `${page}.tsx`)),
    outdir,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    jsx: 'automatic',
    loader: { '.graphql': 'text' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  await Promise.all(STATIC.map((file) => copyFile(path.join(CONSOLE_SOURCE, file), path.join(outdir, file))));
}

/** True when a page's bundle is missing or older than any source file. */
export async function consoleBuildStale(outdir = CONSOLE_DIST): Promise<boolean> {
  const built = await Promise.all(PAGES.map((page) => stat(path.join(outdir, `${page}.js`)).catch(() => undefined)));
  if (built.some((s) => s === undefined)) return true;
  const oldest = Math.min(...built.map((s) => s!.mtimeMs));
  const sources = await readdir(CONSOLE_SOURCE, { recursive: true, withFileTypes: true });
  const times = await Promise.all(sources.filter((entry) => entry.isFile()).map(async (entry) => (await stat(path.join(entry.parentPath, entry.name))).mtimeMs));
  return times.some((time) => time > oldest);
}

if (require.main === module) {
  const started = Date.now();
  buildConsole().then(
    () => console.log(`console built into ${path.relative(process.cwd(), CONSOLE_DIST)} in ${Date.now() - started} ms`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
