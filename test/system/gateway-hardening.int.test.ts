import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@store/testing';

/*
 * The repository's nginx.conf, rendered by the local stack's own script, in front of two stub upstreams that
 * answer every path and write down what reached them: so "never exposed" is checked where it matters, at the
 * upstream, for every spelling of an internal path. Ports from this test's own range (24xxx).
 */
const REPO_ROOT = join(__dirname, '../..');
const GATEWAY = 'http://127.0.0.1:24080';
const ports = { gateway: 24080, status: 24081, ordersWrite: 24101, reportsRead: 24201 };

const reached: string[] = [];
const stubs: Server[] = [];
let stackDir: string;
let nginxConf: string;

/** An upstream that answers 200 JSON for any path, with headers a careless service would send. */
function stub(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    reached.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-powered-by', 'Express');
    res.setHeader('x-content-type-options', 'nosniff');
    res.end(JSON.stringify({ path: req.url }));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
  const result = spawnSync(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout.trim();
};

beforeAll(async () => {
  if (spawnSync('sh', ['-c', 'command -v nginx || test -x /usr/sbin/nginx']).status !== 0) {
    run('bash', ['infra/local/install-tools.sh']); // as the e2e tier does on a fresh machine
  }
  stackDir = mkdtempSync(join(tmpdir(), 'gateway-hardening-'));
  chmodSync(stackDir, 0o755); // nginx's workers (not root) write the report cache below it
  stubs.push(await stub(ports.ordersWrite), await stub(ports.reportsRead));
  nginxConf = run('bash', ['infra/local/render-nginx.sh'], {
    STACK_DIR: stackDir,
    GATEWAY_PORT: String(ports.gateway),
    GATEWAY_STATUS_PORT: String(ports.status),
    ORDERS_WRITE_BASE_PORT: String(ports.ordersWrite),
    REPORTS_READ_BASE_PORT: String(ports.reportsRead),
    ORDERS_WRITE_REPLICAS: '1',
    REPORTS_READ_REPLICAS: '1',
    GATEWAY_WRITE_RATE: '1r/m', // the second write within a minute is refused
    GATEWAY_WRITE_BURST: '1',
  });
  run('nginx', ['-p', join(stackDir, 'nginx'), '-c', nginxConf]);
  await eventually('the gateway to answer', async () =>
    (await fetch(`${GATEWAY}/health-check`).catch(() => undefined))?.ok ? true : undefined,
  );
}, 300_000);

afterAll(async () => {
  if (nginxConf) {
    const pid = Number(readFileSync(join(stackDir, 'pids', 'nginx.pid'), 'utf8'));
    process.kill(pid, 'SIGQUIT');
    await eventually('nginx to stop', () => Promise.resolve(isRunning(pid) ? undefined : true));
  }
  await Promise.all(stubs.map((server) => new Promise((resolve) => server.close(resolve))));
  if (stackDir) rmSync(stackDir, { recursive: true, force: true });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

describe('Gateway hardening (the repository nginx.conf)', () => {
  test.each([
    ['GET', '/metrics'],
    ['GET', '/METRICS'],
    ['GET', '/metrics/'],
    ['GET', '/%6Detrics'],
    ['GET', '//metrics'],
    ['GET', '/products/../metrics'],
    ['GET', '/orders/reports/%2e%2e/%2e%2e/metrics'],
    ['GET', '/metrics?format=json'],
    ['GET', '/admin/reconcile'],
    ['POST', '/admin/rebuild'],
    ['GET', '/Admin'],
    ['GET', '/health/ready'],
    ['GET', '/health/live'],
  ])(
    'When %s %s comes through the gateway, then it answers 404 and no upstream sees it',
    async (method, path) => {
      reached.splice(0);

      const response = await fetch(`${GATEWAY}${path}`, { method });

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not found', code: 'NOT_FOUND' });
      expect(reached).toEqual([]);
    },
  );

  test('When a normal path comes through, then it reaches its upstream (the stubs do see what is routed)', async () => {
    reached.splice(0);

    const response = await fetch(`${GATEWAY}/products/1`);

    expect(response.status).toBe(200);
    expect(reached).toEqual(['GET /products/1']);
  });

  test.each([
    ['a proxied answer', '/products/1', 200],
    ['a proxied report', '/orders/reports/best-sellers', 200],
    ["the gateway's own 404", '/metrics', 404],
    ["the gateway's own health check", '/health-check', 200],
  ])(
    'When %s is returned, then it carries each security header exactly once and no X-Powered-By',
    async (_what, path, status) => {
      const response = await fetch(`${GATEWAY}${path}`);

      expect(response.status).toBe(status);
      expect(
        Object.fromEntries(Object.keys(SECURITY_HEADERS).map((name) => [name, response.headers.get(name)])),
      ).toEqual(
        SECURITY_HEADERS, // a header sent twice would read "nosniff, nosniff"
      );
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('server')).toBe('nginx'); // no version
    },
  );

  test('When writes are rate limited, then the 429 carries the security headers too', async () => {
    const answers = [];
    for (let i = 0; i < 3; i++)
      answers.push(await fetch(`${GATEWAY}/orders`, { method: 'POST', body: '{}' }));

    const refused = answers.find((response) => response.status === 429);
    expect(refused?.headers.get('retry-after')).toBe('1');
    expect(refused?.headers.get('x-content-type-options')).toBe('nosniff');
    expect(refused?.headers.get('content-security-policy')).toBe(SECURITY_HEADERS['content-security-policy']);
  });
});
