import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { COMMON_ERROR_STATUS } from '@store/service-kit/errors';
import { ORDER_ERROR_STATUS } from '../../services/orders-write/src/domain/errors';
import {
  anchors,
  codeTexts,
  envSwitches,
  npmCommands,
  relativeLinks,
  section,
  splitFences,
  type NpmCommand,
} from './markdown';

/*
 * The documents, the README and the hosted CI workflow against the code: every command they name is a script,
 * every switch is read somewhere, every link lands, every decision record has its sections, and the workflow is
 * valid and runs the README's test command. Files only: no service is started.
 */
const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Files under `dir` (relative to the root), walking past node_modules and dist, that `keep` accepts. */
function filesUnder(dir: string, keep: (path: string) => boolean): string[] {
  if (!existsSync(join(ROOT, dir))) return [];
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'node_modules' || entry.name === 'dist' ? [] : filesUnder(path, keep);
    return entry.isFile() && keep(path) ? [path] : [];
  });
}

const DOCS = ['README.md', ...filesUnder('docs', (path) => path.endsWith('.md'))];
const ADRS = filesUnder('docs/adr', (path) => /\/\d{4}-[\w-]+\.md$/.test(path));
const WORKFLOW = '.github/workflows/ci.yml';

// ---- npm scripts of the root and of every workspace -------------------------------------------------------
interface Manifest {
  name: string;
  scripts: Record<string, string>;
  workspaces?: string[];
}
const manifest = (dir: string) => JSON.parse(read(join(dir, 'package.json'))) as Manifest;
const rootManifest = manifest('.');
const workspaceDirs = (rootManifest.workspaces ?? []).flatMap((pattern) =>
  pattern.endsWith('/*')
    ? readdirSync(join(ROOT, pattern.slice(0, -2)))
        .map((name) => `${pattern.slice(0, -2)}/${name}`)
        .filter((dir) => existsSync(join(ROOT, dir, 'package.json')))
    : [pattern],
);
const workspaces = new Map(workspaceDirs.map((dir) => [dir, manifest(dir)]));

/** The workspaces a `-w` value names: a folder, a package name, or a folder with a `<placeholder>`. */
function workspacesNamed(value: string): Manifest[] {
  const pattern = new RegExp(
    `^${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<[^>]+>/g, '[^/]+')}$`,
  );
  return [...workspaces]
    .filter(([dir, pkg]) => pattern.test(dir) || pkg.name === value)
    .map(([, pkg]) => pkg);
}

/** Why an npm command would fail for want of its script, or undefined when every package it runs has it. */
function missingScript(command: NpmCommand): string | undefined {
  const has = (pkg: Manifest) =>
    command.script in pkg.scripts ||
    (command.script === 'restart' && 'start' in pkg.scripts && 'stop' in pkg.scripts);
  const targets = command.allWorkspaces
    ? [...workspaces.values()]
    : command.workspaces.length
      ? command.workspaces.flatMap(workspacesNamed)
      : [rootManifest];
  if (targets.length === 0) return `${command.text}: no workspace ${command.workspaces.join(', ')}`;
  const without = targets.filter((pkg) => !has(pkg)).map((pkg) => pkg.name);
  return without.length
    ? `${command.text}: no script "${command.script}" in ${without.join(', ')}`
    : undefined;
}

// ---- where a switch can be read --------------------------------------------------------------------------
const SWITCH_SOURCES = [
  ...readdirSync(join(ROOT, 'services'))
    .map((name) => `services/${name}/src/config.ts`)
    .filter((path) => existsSync(join(ROOT, path))),
  'packages/service-kit/src/config.ts',
  ...filesUnder('packages/observability/src', (path) => path.endsWith('.ts') && !path.endsWith('.test.ts')),
  ...filesUnder('tools', (path) => /\/src\/.+\.ts$/.test(path) && !path.endsWith('.test.ts')),
  ...filesUnder('load/src', (path) => path.endsWith('.ts') && !path.endsWith('.test.ts')),
  ...filesUnder('load/k6', (path) => path.endsWith('.js')),
  ...filesUnder('infra/local', (path) => path.endsWith('.sh')),
  'infra/Dockerfile',
  'docker-compose.yml',
  '.env.example',
].map((path) => ({ path, text: read(path) }));

/** Where `name` is read: an environment lookup, a config schema key, a shell expansion or a compose setting. */
function readersOf(name: string): string[] {
  const readers = [
    new RegExp(`\\b(?:process\\.env|env|environment|source|__ENV)\\.${name}\\b`),
    new RegExp(`^\\s*${name}:`, 'm'),
    new RegExp(`['"]${name}['"]`),
    new RegExp(`\\$\\{?${name}\\b`),
    new RegExp(`^(?:ARG\\s+|ENV\\s+)?${name}\\b`, 'm'),
  ];
  return SWITCH_SOURCES.filter(({ text }) => readers.some((reader) => reader.test(text))).map(
    ({ path }) => path,
  );
}

/** The API's error codes, which look like switches in prose: every service's, the common ones and orders-write's. */
const ERROR_CODES = new Set([...Object.keys(COMMON_ERROR_STATUS), ...Object.keys(ORDER_ERROR_STATUS)]);

// ---- the README's test command --------------------------------------------------------------------------
function readmeTestCommand(): string {
  const tests = section(read('README.md'), '## Tests') ?? '';
  const first = splitFences(tests).blocks[0]?.lines.find(
    (line) => line.trim() && !line.trim().startsWith('#'),
  );
  return (first ?? '').replace(/\s#.*$/, '').trim();
}

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  strategy?: { matrix?: Record<string, unknown> };
  services?: Record<string, { image: string }>;
  steps: Step[];
}
interface Workflow {
  jobs: Record<string, Job>;
}

describe('The parsers of these checks', () => {
  test('When code names commands and switches, then each is found with its workspace, and prose is not code', () => {
    const markdown = [
      'Run `npm run bench -- read-only` or `npm start -w services/<name>`; npm run prose-only is prose.',
      '```bash',
      'FOO_BAR=1 REPLICAS=3 npm run experiments -- --quick   # npm run commented',
      'npm ci && npm run rebuild --workspace=services/projector',
      '```',
      '| variable | default |',
      '| --- | --- |',
      '| `PREFETCH` | `200` |',
      'Errors such as `RATE_LIMITED`, and `SOME_SWITCH` in a span.',
    ].join('\n');

    const commands = codeTexts(markdown).flatMap(npmCommands);
    const switches = envSwitches(markdown, new Set(['RATE_LIMITED']));

    expect(commands.map(({ script, workspaces }) => [script, workspaces])).toEqual([
      ['bench', []],
      ['start', ['services/<name>']],
      ['experiments', []],
      ['rebuild', ['services/projector']],
    ]);
    expect([...switches].sort()).toEqual(['FOO_BAR', 'PREFETCH', 'REPLICAS', 'SOME_SWITCH']);
  });

  test('When a script or a switch does not exist, then the check says so', () => {
    const [command] = npmCommands('npm run no-such-script -w services/<name>');

    expect(missingScript(command!)).toMatch(/no script "no-such-script" in @store\//);
    expect(readersOf('NO_SUCH_SWITCH_ANYWHERE')).toEqual([]);
    expect(readersOf('REPORTS_SOURCE')).toContain('services/reports-read/src/config.ts');
  });
});

describe('The README and the documents', () => {
  test('When they are read, then the README links the documents and the documents exist', () => {
    const links = relativeLinks(read('README.md'));

    for (const doc of [
      'docs/architecture.md',
      'docs/adr/README.md',
      'docs/lab-guide.md',
      'docs/operations.md',
    ])
      expect(links).toContain(doc);
  });

  test.each(DOCS)(
    'When %s is read, then no code span is split across lines (these checks read them per line)',
    (doc) => {
      const split = splitFences(read(doc))
        .prose.split('\n')
        .filter((line) => (line.match(/`/g) ?? []).length % 2 === 1);

      expect(split).toEqual([]);
    },
  );

  test.each(DOCS)('When %s names npm commands, then every one is a script of its package', (doc) => {
    const commands = codeTexts(read(doc)).flatMap(npmCommands);

    const missing = commands.map(missingScript).filter(Boolean);

    expect(missing).toEqual([]);
  });

  test.each(DOCS)('When %s names environment switches, then each is read by the code or the stack', (doc) => {
    const switches = [...envSwitches(read(doc), ERROR_CODES)];

    const unread = switches.filter((name) => readersOf(name).length === 0);

    expect(unread).toEqual([]);
  });

  test('When the lab guide is read, then it names the lab switches, commands and every activity and question', () => {
    const guide = read('docs/lab-guide.md');
    const switches = envSwitches(guide, ERROR_CODES);
    const scripts = new Set(
      codeTexts(guide)
        .flatMap(npmCommands)
        .map((command) => command.script),
    );

    for (const name of [
      'REPORTS_SOURCE',
      'PRODUCT_LOOKUP',
      'REPORT_CACHE_TTL_SECONDS',
      'REPLICAS',
      'GATEWAY_CACHE',
      'ORDER_BATCHING',
    ])
      expect(switches).toContain(name);
    for (const script of ['start', 'bench', 'experiments', 'traces']) expect(scripts).toContain(script);
    for (let activity = 1; activity <= 11; activity++)
      expect(guide).toMatch(new RegExp(`^### ${activity}\\. `, 'm'));
    for (let question = 1; question <= 7; question++)
      expect(guide).toMatch(new RegExp(`^${question}\\. \\*\\*`, 'm'));
  });

  test.each(DOCS)('When %s links into the repository, then every target and anchor exists', (doc) => {
    const broken = relativeLinks(read(doc)).filter((link) => {
      const [path = '', anchor] = link.split('#');
      const target = path ? resolve(dirname(join(ROOT, doc)), path) : join(ROOT, doc);
      if (!target.startsWith(ROOT) || !existsSync(target)) return true;
      if (!anchor || !target.endsWith('.md')) return false;
      return !anchors(readFileSync(target, 'utf8')).has(anchor);
    });

    expect(broken).toEqual([]);
  });

  test('When the architecture is read, then each view has exactly one Mermaid diagram', () => {
    const architecture = read('docs/architecture.md');
    const views = [
      section(architecture, '## 3. Context'),
      section(architecture, '## 5. Building blocks'),
      ...['## 6. Runtime', '## 7. Deployment'].flatMap((part) =>
        (section(architecture, part) ?? '').split(/^### /m).slice(1),
      ),
    ];

    const diagrams = views.map((view) => splitFences(view ?? '').blocks.filter((b) => b.lang === 'mermaid'));

    expect(views).toHaveLength(7);
    for (const blocks of diagrams) {
      expect(blocks).toHaveLength(1);
      expect(blocks[0]!.lines[0]).toMatch(/^(flowchart (LR|TB|TD|RL|BT)|sequenceDiagram)$/);
    }
  });
});

describe('The decision records', () => {
  test('When the records are listed, then there is one per decision and the index links each', () => {
    const index = relativeLinks(read('docs/adr/README.md'));

    expect(ADRS.length).toBeGreaterThanOrEqual(9);
    for (const adr of ADRS) expect(index).toContain(relative('docs/adr', adr));
  });

  test.each(ADRS)(
    'When %s is read, then it has Status, Context, Decision and Consequences in order',
    (adr) => {
      const text = read(adr);
      const headings = [...text.matchAll(/^## (.+)$/gm)].map((match) => match[1]!.trim());

      const required = ['Status', 'Context', 'Decision', 'Consequences'];

      expect(headings.filter((heading) => required.includes(heading))).toEqual(required);
      for (const heading of [...required, 'Measurements'])
        expect((section(text, `## ${heading}`) ?? '').trim()).not.toBe('');
    },
  );
});

describe('The hosted CI workflow', () => {
  const text = read(WORKFLOW);
  const workflow = parse(text) as Workflow;
  const testJob = workflow.jobs.test!;
  const steps = testJob.steps;
  const runs = steps.flatMap((step) => (step.run ? [step.run.trim()] : []));

  test('When it is validated against the GitHub workflow schema, then it has no error (and a broken copy has)', () => {
    const broken = text.replace(/runs-on:/g, 'runs_on:');

    expect(validateWorkflow(text).errors).toEqual([]);
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  test('When its steps are read, then one runs the README test command, which .ci/run runs too', () => {
    const testCommand = readmeTestCommand();
    const ciRun = read('.ci/run')
      .split('\n')
      .map((line) => line.trim());

    expect(testCommand).toBe('npm test');
    expect(runs).toContain(testCommand);
    expect(ciRun).toContain(testCommand);
  });

  test('When its steps are read, then it runs the npm steps of .ci/run in the same order, each an existing script', () => {
    const ciNpm = read('.ci/run')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.startsWith('npm '));
    const workflowNpm = runs.filter((run) => run.startsWith('npm '));
    // The one difference: the hosted job tests the matrix's Node, so it leaves out the project's own (optional).
    const installs = workflowNpm.filter((run) => run.startsWith('npm ci'));

    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install).toContain('--omit=optional');
    expect(workflowNpm.map((run) => run.replace(' --omit=optional', ''))).toEqual(ciNpm);
    expect(workflowNpm.flatMap(npmCommands).map(missingScript).filter(Boolean)).toEqual([]);
  });

  test('When its test job is read, then it runs on Node 24 and 26 from its matrix, not from .nvmrc', () => {
    const setupNode = steps.find((step) => step.uses?.startsWith('actions/setup-node@'));

    expect(testJob.strategy?.matrix?.node).toEqual(['24', '26']);
    expect(setupNode?.with).toMatchObject({ 'node-version': '${{ matrix.node }}' });
    expect(setupNode?.with).not.toHaveProperty('node-version-file');
  });

  test('When its services and steps are read, then MySQL 8.4, Redis 8, RabbitMQ 4, the npm cache and the report are there', () => {
    const images = Object.values(testJob.services ?? {}).map((service) => service.image);
    const setupNode = steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
    const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));

    expect(images).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^mysql:8\.4\.\d+$/),
        expect.stringMatching(/^redis:8\./),
        expect.stringMatching(/^rabbitmq:4\.[\d.]+-management$/),
      ]),
    );
    expect(setupNode?.with?.cache).toBe('npm');
    expect(String(upload?.with?.path)).toMatch(/^results\/experiments-\*/);
  });
});
