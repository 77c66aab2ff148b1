import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { httpClient } from '@store/testing';
import {
  PROMETHEUS,
  REPLICAS,
  REPO_ROOT,
  renderedNginxConfig,
  renderedPrometheusConfig,
  runCommand,
  runScript,
  STACK_DIR,
  STACK_ENV,
  waitFor,
} from './stack';

describe('Stack configuration', () => {
  test("When each service process is asked for its health, then it runs on the project's Node (24 or newer)", async () => {
    const ports = [
      ...Array.from({ length: REPLICAS }, (_, i) => Number(STACK_ENV.ORDERS_WRITE_BASE_PORT) + i),
      ...Array.from({ length: REPLICAS }, (_, i) => Number(STACK_ENV.REPORTS_READ_BASE_PORT) + i),
      Number(STACK_ENV.PROJECTOR_PORT),
    ];
    const versions = await Promise.all(
      ports.map(async (port) => (await httpClient(`http://127.0.0.1:${port}`).get('/health/live')).body.node),
    );

    expect(versions).toHaveLength(2 * REPLICAS + 1);
    for (const version of versions)
      expect(Number(/^v(\d+)\./.exec(String(version))?.[1])).toBeGreaterThanOrEqual(24);
  });

  test('When docker-compose.yml is validated with the example .env, then it is valid', () => {
    const result = runCommand('docker-compose', ['--env-file', '.env.example', 'config', '-q']);

    expect(result).toEqual({ status: 0, output: '' });
  });

  test('When nginx checks the rendered local gateway config, then it is valid', () => {
    const result = runCommand('nginx', ['-t', '-p', join(STACK_DIR, 'nginx'), '-c', renderedNginxConfig]);

    expect(result.output).toContain('test is successful');
    expect(readFileSync(renderedNginxConfig, 'utf8')).toContain('server 127.0.0.1:15003');
  });

  test('When the gateway config is read, then only idempotent requests may be passed to another replica', () => {
    const directives = readFileSync(renderedNginxConfig, 'utf8')
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');

    expect(directives).toContain('proxy_next_upstream error timeout http_502 http_504;');
    expect(directives).not.toContain('non_idempotent');
  });

  test.each([
    ['the compose config', join(REPO_ROOT, 'prometheus.yml')],
    ['the rendered local config', renderedPrometheusConfig],
  ])('When promtool checks %s, then it is valid', (_, file) => {
    const result = runCommand('promtool', ['check', 'config', file]);

    expect(result.status).toBe(0);
  });

  test('When Prometheus scrapes the stack, then every replica is a healthy target', async () => {
    const prometheus = httpClient(PROMETHEUS);

    const up = await waitFor(
      'every service target to be up',
      async () => {
        const { body } = await prometheus.get('/api/v1/targets?state=active');
        const targets = body.data.activeTargets as { labels: { job: string }; health: string }[];
        const healthy = (job: string) =>
          targets.filter((t) => t.labels.job === job && t.health === 'up').length;
        const counts = { ordersWrite: healthy('orders-write'), reportsRead: healthy('reports-read') };
        return counts.reportsRead === REPLICAS && healthy('projector') === 1 && counts.ordersWrite >= 2
          ? counts
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000 },
    );

    // One orders-write replica may already have been killed by the balancing test.
    expect(up.ordersWrite).toBeGreaterThanOrEqual(REPLICAS - 1);
  });

  test('When the gateway is rendered with GATEWAY_CACHE=off, then reports bypass its cache', async () => {
    const offDir = join(STACK_DIR, 'cache-off');
    const render = runScript('infra/local/render-nginx.sh', {
      STACK_DIR: offDir,
      GATEWAY_PORT: '18090',
      GATEWAY_STATUS_PORT: '18091',
      GATEWAY_CACHE: 'off',
    });
    expect(render.status).toBe(0);
    const config = render.stdout.trim().split('\n').pop()!;
    const prefix = join(offDir, 'nginx');
    try {
      expect(spawnSync('nginx', ['-p', prefix, '-c', config]).status).toBe(0);
      const gateway = httpClient('http://127.0.0.1:18090');
      const path = '/orders/reports/best-sellers';

      await gateway.get(path);
      const second = await gateway.get(path);

      expect(second.status).toBe(200);
      expect(second.headers.get('x-gateway-cache')).toBe('BYPASS');
      expect(second.headers.get('x-service')).toBe('reports-read');
    } finally {
      spawnSync('nginx', ['-p', prefix, '-c', config, '-s', 'stop']);
      rmSync(offDir, { recursive: true, force: true });
    }
  });
});
