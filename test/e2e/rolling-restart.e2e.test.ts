import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { httpClient, uniqueEmail, uniqueName, uniqueSku } from '@store/testing';
import { REPO_ROOT, runScript, STACK_ENV } from './stack';

/*
 * `npm run restart -- --rolling` while traffic flows through the gateway, on a stack of its own (ports 22xxx,
 * two replicas each): its write limit is raised to 2000/s so that orders flow at full speed. Orders are what a
 * careless restart breaks first: nginx passes a GET that met a closing connection to another replica, never a
 * POST. (Without its steps that take a process out of nginx, restart.sh fails this test with answers 502.)
 * Two clients send the same mix: reads served by orders-write (a product) and by reports-read (a report under a
 * new URL each time, so the gateway cache never answers for it), and orders:
 *  - a client without keep-alive (a new connection per request): not one request may fail, and none is retried;
 *  - a keep-alive client: each nginx reload closes the gateway's idle client connections (nginx 1.22 has no
 *    keepalive_min_timeout), so a request written on a reused connection at that moment meets ECONNRESET before
 *    any answer. It is sent again, as Node's documentation of request.reusedSocket advises and HTTP allows (reads,
 *    and orders with their Idempotency-Key); the agent may hand out another of the connections closed by the same
 *    reload, each failure discards one, so a few attempts suffice. Any other error, and any answer but the
 *    expected one, fails.
 */
const GATEWAY = 'http://127.0.0.1:22080';
const REPLICAS = 2;
const STACK_DIR = join(REPO_ROOT, '.run/rolling');
const ENV: Record<string, string> = {
  STACK_DIR,
  GATEWAY_PORT: '22080',
  GATEWAY_STATUS_PORT: '22081',
  ORDERS_WRITE_BASE_PORT: '22001',
  REPORTS_READ_BASE_PORT: '22101',
  PROJECTOR_PORT: '22201',
  TRACE_SINK_PORT: '22318',
  REPLICAS: String(REPLICAS),
  MYSQL_DATABASE: 'store_manager_sup',
  REDIS_KEY_PREFIX: 'sup:',
  EVENTS_EXCHANGE: 'store.events.sup',
  PROJECTOR_QUEUE: 'projector.orders.sup',
  DEAD_LETTER_QUEUE: 'projector.orders.sup.dead-letter',
  GATEWAY_WRITE_RATE: '2000r/s',
  GATEWAY_WRITE_BURST: '500',
  STACK_PROMETHEUS: 'no',
  // The e2e tier's set-up has built dist/ already; tracing is not what this test is about.
  STACK_BUILD: 'no',
  OTEL_SDK_DISABLED: 'true',
};
const gateway = httpClient(GATEWAY);
const { hostname, port } = new URL(GATEWAY);
const START_TIMEOUT_MS = 120_000;
const RESTART_TIMEOUT_MS = 100_000;
const KEEP_ALIVE_SOCKETS = 8;
/** More than the connections one reload can close under the agent: every retried failure discards one. */
const MAX_ATTEMPTS = KEEP_ALIVE_SOCKETS + 2;
const replaced = ['orders-write', 'reports-read'].flatMap((service) =>
  Array.from({ length: REPLICAS }, (_, i) => `${service}-${i + 1}`),
);
const pidOf = (name: string): number =>
  Number(readFileSync(join(STACK_DIR, 'pids', `${name}.pid`), 'utf8').trim());

interface Answer {
  status: number;
  text: string;
}

/** One request; a failure before any answer on a reused keep-alive connection is marked retryable. */
function exchange(agent: Agent, method: string, path: string, body?: string, key?: string): Promise<Answer> {
  const headers: Record<string, string | number> = {};
  if (body) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(body);
  }
  if (key) headers['idempotency-key'] = key;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({ host: hostname, port, method, path, agent, headers, timeout: 30_000 }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        Object.assign(error, { retryable: !answered && req.reusedSocket && error.code === 'ECONNRESET' }),
      ),
    );
    req.end(body);
  });
}

class Client {
  requests = 0;
  retried = 0;
  readonly failures: string[] = [];
  readonly orderIds = new Set<number>();

  constructor(
    readonly name: string,
    private readonly agent: Agent,
  ) {}

  async call(method: string, path: string, expected: number, body?: unknown): Promise<Answer | undefined> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const key = method === 'POST' ? randomUUID() : undefined;
    this.requests++;
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await exchange(this.agent, method, path, text, key);
        if (answer.status === expected) return answer;
        this.failures.push(`${method} ${path}: ${answer.status} ${answer.text.slice(0, 200)}`);
        return undefined;
      } catch (error) {
        const { code, message, retryable } = error as NodeJS.ErrnoException & { retryable?: boolean };
        if (retryable && attempt < MAX_ATTEMPTS) {
          this.retried++;
          continue;
        }
        this.failures.push(`${method} ${path}: ${code ?? ''} ${message}`);
        return undefined;
      }
    }
  }
}

const byNumber = (a: number, b: number) => a - b;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads (both upstreams) and orders, three loops of each per client, until `running()` turns false. */
async function drive(client: Client, ids: { user: number; product: number }, running: () => boolean) {
  const reader = async (id: number) => {
    for (let n = 0; running(); n++) {
      await client.call('GET', `/products/${ids.product}`, 200);
      await client.call(
        'GET',
        `/orders/reports/best-sellers?limit=3&rolling=${id}-${n}-${randomUUID()}`,
        200,
      );
      await sleep(10);
    }
  };
  const writer = async () => {
    while (running()) {
      const order = { user_id: ids.user, items: [{ product_id: ids.product, quantity: 1 }] };
      const placed = await client.call('POST', '/orders', 201, order);
      if (placed) client.orderIds.add((JSON.parse(placed.text) as { order_id: number }).order_id);
    }
  };
  await Promise.all([reader(1), reader(2), reader(3), writer(), writer(), writer()]);
}

function rollingRestart(): Promise<{ status: number | null; output: string }> {
  const child = spawn('bash', [join(REPO_ROOT, 'infra/local/restart.sh'), '--rolling'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...STACK_ENV, ...ENV },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGTERM'), RESTART_TIMEOUT_MS);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    }),
  );
}

async function ordersOf(userId: number): Promise<Set<number>> {
  const ids = new Set<number>();
  let after = '';
  for (;;) {
    const page = await gateway.get(`/orders?user_id=${userId}&limit=100${after}`);
    expect(page.status).toBe(200);
    for (const order of page.body.orders as { order_id: number }[]) ids.add(order.order_id);
    if (page.body.next_after == null) return ids;
    after = `&after=${page.body.next_after}`;
  }
}

describe('Rolling restart', () => {
  beforeAll(() => {
    runScript('infra/local/stop.sh', ENV); // a stack left over by an interrupted run
    const started = runScript('infra/local/start.sh', ENV, START_TIMEOUT_MS);
    if (started.status !== 0) throw new Error(`the stack in ${STACK_DIR} did not start:\n${started.output}`);
  }, START_TIMEOUT_MS + 5000);

  afterAll(() => {
    runScript('infra/local/stop.sh', ENV, 60_000);
  }, 65_000);

  test(
    'When every orders-write and reports-read process is replaced under traffic, then no client request fails',
    async () => {
      // Arrange
      const user = await gateway.post('/users', {
        name: uniqueName('rolling'),
        email: uniqueEmail('rolling'),
      });
      const product = await gateway.post('/products', {
        name: uniqueName('rolling'),
        sku: uniqueSku(),
        price: 1,
      });
      await gateway.post('/stocks', { product_id: product.body.product_id, quantity: 1_000_000 });
      const ids = { user: user.body.user_id as number, product: product.body.product_id as number };
      const before = new Map(replaced.map((name) => [name, pidOf(name)]));
      const projector = pidOf('projector-1');
      const keepAlive = new Client(
        'keep-alive',
        new Agent({ keepAlive: true, maxSockets: KEEP_ALIVE_SOCKETS }),
      );
      const fresh = new Client('new connection each', new Agent({ keepAlive: false }));
      let running = true;
      const traffic = Promise.all([keepAlive, fresh].map((client) => drive(client, ids, () => running)));

      // Act
      await sleep(1000);
      const restart = await rollingRestart();
      await sleep(1000);
      running = false;
      await traffic;

      // Assert
      expect({ status: restart.status, output: restart.status === 0 ? '' : restart.output }).toEqual({
        status: 0,
        output: '',
      });
      for (const client of [keepAlive, fresh]) {
        const { name, failures } = client;
        expect({ name, failed: failures.length, first: failures.slice(0, 5) }).toEqual({
          name,
          failed: 0,
          first: [],
        });
        expect(client.requests).toBeGreaterThan(200);
      }
      expect(fresh.retried).toBe(0);
      for (const name of replaced) {
        expect({ name, samePid: pidOf(name) === before.get(name) }).toEqual({ name, samePid: false });
        expect(() => process.kill(pidOf(name), 0)).not.toThrow();
      }
      expect(pidOf('projector-1')).toBe(projector);
      // Every acknowledged order exists once: none lost, none doubled by a retry.
      const acknowledged = new Set([...keepAlive.orderIds, ...fresh.orderIds]);
      expect([...(await ordersOf(ids.user))].sort(byNumber)).toEqual([...acknowledged].sort(byNumber));
      process.stderr.write(
        `rolling restart under traffic: ${keepAlive.requests + fresh.requests} requests, ` +
          `${acknowledged.size} orders, ${keepAlive.retried} keep-alive retries after a reload, 0 failed\n`,
      );
    },
    RESTART_TIMEOUT_MS + 20_000,
  );
});
