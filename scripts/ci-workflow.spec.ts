// The GitHub Actions workflow cannot run here: this reads it and checks that what it names exists (npm scripts, Nx
// targets, files, job outputs) and that its shell snippets that read the repository answer what the code says.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { GATEWAY_DEFAULT_PORT, serviceRegistry } from '@crm/contracts';

const root = path.resolve(__dirname, '..');
const workflow = parse(readFileSync(path.join(root, '.github/workflows/ci.yml'), 'utf8'));

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  name?: string;
}
const steps = (job: string): Step[] => workflow.jobs[job].steps;
const runs = (job: string) => steps(job).flatMap((step) => (step.run ? [step.run] : []));
const released: string[] = JSON.parse(readFileSync(path.join(root, 'nx.json'), 'utf8')).release.projects;

describe('.github/workflows/ci.yml', () => {
  it('runs on pull requests and pushes to main, with the jobs affected, checks, e2e and images', () => {
    expect(workflow.on).toHaveProperty('pull_request');
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(Object.keys(workflow.jobs)).toEqual(['affected', 'checks', 'e2e', 'images']);
  });

  it('checks out the whole history and installs with Node 20, the npm cache and npm ci, then the test servers', () => {
    for (const job of ['affected', 'checks']) {
      expect(steps(job).find((step) => step.uses?.startsWith('actions/checkout@'))?.with).toMatchObject({ 'fetch-depth': 0 });
      expect(steps(job).find((step) => step.uses?.startsWith('actions/setup-node@'))?.with).toMatchObject({ 'node-version': 20, cache: 'npm' });
      expect(runs(job)).toContain('npm ci');
    }
    for (const job of ['checks', 'e2e']) expect(runs(job)).toContain('bash scripts/setup.sh');
    expect(existsSync(path.join(root, 'scripts/setup.sh'))).toBe(true);
    expect(existsSync(path.join(root, 'infra/mongo-server/pom.xml'))).toBe(true);
  });

  it('runs lint, typecheck and test of the affected projects: every project has lint and typecheck, every one with Jest specs a test target', () => {
    const affected = runs('checks').find((run) => run.includes('nx affected'));
    expect(affected).toMatch(/npx nx affected -t lint typecheck test --base="\$BASE"/);
    const nx = (...args: string[]): string[] => JSON.parse(execFileSync('npx', ['nx', 'show', 'projects', '--json', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } }));
    const projects = nx();
    const [withLint, withTypecheck, withTest] = [nx('--with-target', 'lint'), nx('--with-target', 'typecheck'), nx('--with-target', 'test')];
    expect(projects.filter((project) => !withLint.includes(project) || !withTypecheck.includes(project))).toEqual([]);
    const roots = (folder: string) => projects.filter((project) => existsSync(path.join(root, folder, project, 'jest.config.js')));
    expect([...roots('apps'), ...roots('libs')].filter((project) => !withTest.includes(project))).toEqual([]);
  }, 120_000);

  it('runs the subgraph check for the subgraphs whose SDL changed, and only npm scripts that exist', () => {
    expect(runs('checks').join('\n')).toContain('npm run -s schema:check -- --affected --base "$BASE"');
    const scripts = Object.keys(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts);
    const named = Object.keys(workflow.jobs).flatMap((job) => runs(job).flatMap((run) => [...run.matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((m) => m[1])));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
    for (const file of runs('checks').flatMap((run) => [...run.matchAll(/npx tsx (\S+)/g)].map((m) => m[1]))) expect(existsSync(path.join(root, file))).toBe(true);
  });

  it('builds an image per affected released service, tagged with its version, pushed on main only', () => {
    const images = workflow.jobs.images;
    expect(images.needs).toEqual(['affected', 'checks']);
    expect(images.strategy.matrix.app).toBe('${{ fromJSON(needs.affected.outputs.images) }}');
    expect(workflow.jobs.affected.outputs).toHaveProperty('images');
    expect(images.env.PUSH).toBe("${{ github.event_name == 'push' && github.ref == 'refs/heads/main' }}");
    const build = images.steps.find((step: Step) => step.uses?.startsWith('docker/build-push-action@'));
    expect(build.with.push).toBe("${{ env.PUSH == 'true' }}");
    expect(build.with['build-args']).toContain('VERSION=${{ steps.tags.outputs.version }}');
    const affectedRun = runs('affected').join('\n');
    expect(affectedRun).toContain('nx show projects --affected --type app');
    expect(affectedRun).toContain('require("./nx.json").release.projects');
    // Every released service is an app the Dockerfile builds: a build target and its own version.
    for (const app of released) {
      expect(existsSync(path.join(root, 'apps', app, 'project.json'))).toBe(true);
      expect(JSON.parse(readFileSync(path.join(root, 'apps', app, 'project.json'), 'utf8')).targets.build).toBeDefined();
      expect(JSON.parse(readFileSync(path.join(root, 'apps', app, 'package.json'), 'utf8')).version).toMatch(/^\d+\.\d+\.\d+/);
    }
  });

  it("the image's default port, read by the workflow's shell line, is the service registry's (the gateway's default for the gateway)", () => {
    const tagsStep: Step = workflow.jobs.images.steps.find((step: Step) => step.name === 'Version, port and tags');
    const portLine = tagsStep.run!.split('\n').find((line) => line.trim().startsWith('port=$('))!;
    for (const app of released) {
      const port = execFileSync('bash', ['-c', `${portLine.trim()}\necho "$port"`], { cwd: root, encoding: 'utf8', env: { ...process.env, APP: app } }).trim();
      const expected = serviceRegistry.find((service) => service.name === app)?.port ?? GATEWAY_DEFAULT_PORT;
      expect(`${app}:${port}`).toBe(`${app}:${expected}`);
    }
  });
});
