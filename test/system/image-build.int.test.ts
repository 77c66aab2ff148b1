import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDockerfile, parseDockerignore, runStage, type Stage } from './docker-build';

/*
 * No Docker engine runs here, so the service image is built the way Docker would build it, minus the engine:
 * the build stage gets only the context files its COPY lines name (less .dockerignore) and runs its own RUN lines;
 * the runtime stage then installs each service and loads the image's start command's modules. Installs read
 * npm's local cache first (--prefer-offline); `npm cache clean` is skipped, as it would empty this machine's cache.
 */
const REPO_ROOT = join(__dirname, '../..');
const BUILD_TIMEOUT_MS = 300_000;
const stages = parseDockerfile(readFileSync(join(REPO_ROOT, 'infra/Dockerfile'), 'utf8'));
const ignored = parseDockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
const services = readdirSync(join(REPO_ROOT, 'services')).filter((name) =>
  existsSync(join(REPO_ROOT, 'services', name, 'package.json')),
);

const adaptCommand = (command: string) =>
  command.startsWith('npm cache') ? undefined : command.replace(/^npm ci\b/, 'npm ci --prefer-offline');

const stageNamed = (name: string): Stage => {
  const stage = stages.find((s) => s.name === name);
  if (stage === undefined) throw new Error(`infra/Dockerfile has no stage "${name}"`);
  return stage;
};

let scratch: string;
let buildRoot: string;
let buildWorkdir: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'store-image-build-'));
  buildRoot = join(scratch, 'build');
  buildWorkdir = runStage(stageNamed('build'), {
    context: REPO_ROOT,
    ignored,
    stageRoots: {},
    root: buildRoot,
    adaptCommand,
  }).workdir;
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('The service image build', () => {
  test('When the build stage runs on the build context alone, then every service and the register module compile', () => {
    const compiled = [
      'packages/observability/dist/src/register.js',
      ...services.map((service) => `services/${service}/dist/src/main.js`),
    ];

    const missing = compiled.filter((file) => !existsSync(join(buildWorkdir, file)));

    expect(services.length).toBeGreaterThanOrEqual(3);
    expect(missing).toEqual([]);
  });

  test.each(services)(
    'When the runtime stage is built for %s, then its start command loads the register module and every dependency',
    (service) => {
      const runtime = runStage(stageNamed('runtime'), {
        context: REPO_ROOT,
        ignored,
        stageRoots: { build: buildRoot },
        root: join(scratch, `runtime-${service}`),
        buildArgs: { SERVICE: service },
        adaptCommand,
      });
      const [shell, flag, line = ''] = runtime.cmd;
      expect([shell, flag]).toEqual(['sh', '-c']);
      const words = line
        .replace(/^exec\s+/, '')
        .replaceAll('$SERVICE', service)
        .split(/\s+/);
      const [node, ...nodeArgs] = words;
      const script = nodeArgs.pop()!;

      // The start command itself, with the entry point swapped for a check: the entry point is there, and
      // the service's production dependencies load from where the runtime `npm ci` put them.
      const check = `
        const { existsSync } = require('node:fs');
        const { resolve } = require('node:path');
        const [script] = process.argv.slice(1);
        if (!existsSync(script)) throw new Error(script + ' is missing');
        const serviceDir = resolve(script.split('/dist/')[0]);
        const { dependencies = {} } = require(resolve(serviceDir, 'package.json'));
        for (const name of Object.keys(dependencies)) require(require.resolve(name, { paths: [serviceDir] }));
        console.log('loaded ' + Object.keys(dependencies).length);`;
      const result = spawnSync(node!, [...nodeArgs, '-e', check, script], {
        cwd: runtime.workdir,
        env: { PATH: process.env.PATH ?? '', ...runtime.env },
        encoding: 'utf8',
        timeout: 60_000,
      });

      expect(`${result.stdout}${result.stderr}`).toMatch(/^loaded \d+/);
      expect(result.status).toBe(0);
    },
    BUILD_TIMEOUT_MS,
  );
});
