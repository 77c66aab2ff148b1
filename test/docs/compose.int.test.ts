import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readSettings } from '../../tools/compose-smoke/src/settings';
import { section, splitFences } from './markdown';

/*
 * docker-compose.yml, infra/Dockerfile, the hosted workflow's compose job, the smoke script and the "Containers"
 * part of docs/operations.md must tell the same story: exact image tags of supported lines, a health check on
 * every long-running service that can run one, the commands a user types being the ones the job runs, and the
 * ports the docs and the smoke script use being the ones compose publishes. Files only.
 */
const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface ComposeService {
  image?: string;
  ports?: string[];
  healthcheck?: unknown;
  restart?: string;
  profiles?: string[];
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
const workflow = parse(read('.github/workflows/ci.yml')) as {
  jobs: Record<
    string,
    { services?: Record<string, { image: string }>; steps: { run?: string; if?: string }[] }
  >;
};
const operations = read('docs/operations.md');
const containers = section(operations, '### 2. Containers (`docker compose`)') ?? '';

/** Images whose line has reached its end of life, or was replaced by another image. */
const RETIRED = [
  /^jaegertracing\/all-in-one:/,
  /^rabbitmq:3/,
  /^node:(1\d|20|22)[.-]/,
  /^redis:[67]\./,
  /^prom\/prometheus:v2/,
];
/** Long-running services whose image has no shell or client to run a check with. */
const NO_HEALTH_CHECK = new Set(['otel-collector', 'nginx-exporter']);

const composeImages = Object.values(compose.services).flatMap((service) =>
  service.image && !service.image.startsWith('store-manager/') ? [service.image] : [],
);
const dockerfileImages = [...read('infra/Dockerfile').matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1]!);
const workflowImages = Object.values(workflow.jobs).flatMap((job) =>
  Object.values(job.services ?? {}).map((service) => service.image),
);
/** Host ports compose publishes, from `[ip:]host:container` entries (variables at their defaults). */
const published = new Set(
  Object.values(compose.services).flatMap((service) =>
    (service.ports ?? []).map((entry) => {
      const parts = entry.replace(/\$\{[A-Z_]+:-(\d+)\}/g, '$1').split(':');
      return Number(parts[parts.length - 2]);
    }),
  ),
);

describe('The images of compose, the Dockerfile and the workflow', () => {
  test.each([...composeImages, ...dockerfileImages, ...workflowImages])(
    'When %s is read, then its tag is an exact version of a supported line',
    (image) => {
      const tag = image.split(':')[1] ?? '';

      expect(tag).toMatch(/^v?\d+\.\d+\.\d+(-[a-z-]+)?$/);
      expect(RETIRED.filter((retired) => retired.test(image))).toEqual([]);
    },
  );

  test('When the service image is read, then both stages are the same Node 24 bookworm-slim', () => {
    expect(new Set(dockerfileImages)).toEqual(
      new Set([expect.stringMatching(/^node:24\.\d+\.\d+-bookworm-slim$/)]),
    );
  });

  test('When compose is read, then every long-running service has a health check unless its image cannot run one', () => {
    const longRunning = Object.entries(compose.services).filter(
      ([, service]) => service.restart !== 'no' && !service.profiles?.length,
    );

    const without = longRunning.filter(
      ([name, service]) => !service.healthcheck && !NO_HEALTH_CHECK.has(name),
    );

    expect(without.map(([name]) => name)).toEqual([]);
  });
});

describe('The compose job, the smoke script and docs/operations.md', () => {
  const job = workflow.jobs.compose!;
  const runLines = job.steps.flatMap((step) => (step.run ?? '').split('\n').map((line) => line.trim()));
  const docCommands = splitFences(containers)
    .blocks.flatMap((block) => block.lines)
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean);

  test('When the job is read, then it builds, starts with --wait, smokes, shows logs on failure and always removes', () => {
    const step = (pattern: RegExp) => job.steps.find((s) => pattern.test(s.run ?? ''));

    expect(step(/^docker compose build orders-write reports-read projector$/)).toBeDefined();
    expect(step(/^docker compose up -d --wait\b/)).toBeDefined();
    expect(step(/^npm run compose:smoke$/)).toBeDefined();
    expect(step(/docker compose .*logs/)?.if).toBe('failure()');
    expect(step(/docker compose .*down -v$/)?.if).toBe('always()');
  });

  test("When the docs tell a user to run compose, then they give the job's steps in the job's order", () => {
    const userSteps = [
      /^cp \.env\.example \.env$/,
      /^docker compose build orders-write reports-read projector$/,
      /^docker compose up -d --wait\b/,
      /^npm run compose:smoke$/,
      /^docker compose (--profile load )?logs\b/,
      /^docker compose (--profile load )?down -v$/,
    ];

    const inJob = userSteps.map((step) => runLines.findIndex((line) => step.test(line)));
    const inDocs = userSteps.map((step) => docCommands.findIndex((line) => step.test(line)));

    expect(inJob.every((index) => index >= 0)).toBe(true);
    expect(inDocs.every((index) => index >= 0)).toBe(true);
    expect([...inJob].sort((a, b) => a - b)).toEqual(inJob);
    expect([...inDocs].sort((a, b) => a - b)).toEqual(inDocs);
  });

  test('When the URL table names compose URLs, then compose publishes each port', () => {
    const table = section(operations, '### URLs') ?? '';
    const composeColumn = table
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .map((line) => line.split('|')[3] ?? '');
    const ports = composeColumn.flatMap((cell) =>
      [...cell.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])),
    );

    expect(ports.length).toBeGreaterThanOrEqual(6);
    expect(ports.filter((port) => !published.has(port))).toEqual([]);
  });

  test('When the smoke script runs with no settings, then every URL it asks is a port compose publishes', () => {
    const settings = readSettings({}, '/nonexistent');
    const urls = [
      settings.gatewayUrl,
      settings.jaegerUrl,
      settings.prometheusUrl,
      settings.grafanaUrl,
      settings.rabbitmqUrl,
    ];

    const ports = urls.map((url) => Number(new URL(url).port));

    expect(ports.filter((port) => !published.has(port))).toEqual([]);
    expect(published).toContain(5665); // k6's web dashboard
  });
});
