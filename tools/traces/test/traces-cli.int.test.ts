import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOptions, runTraces } from '../src/cli';

const fixtures = join(__dirname, 'fixtures');

/** A stack folder as the plain-process stack leaves it: logs/traces/*.jsonl and logs/nginx-access.log. */
function stackWithFixtures(): string {
  const stack = mkdtempSync(join(tmpdir(), 'traces-stack-'));
  mkdirSync(join(stack, 'logs/traces'), { recursive: true });
  copyFileSync(join(fixtures, 'otlp-traces.jsonl'), join(stack, 'logs/traces/traces-1.jsonl'));
  copyFileSync(join(fixtures, 'nginx-access.jsonl'), join(stack, 'logs/nginx-access.log'));
  return stack;
}

function terminal() {
  const text = { out: '', err: '' };
  return { text, terminal: { out: (t: string) => (text.out += t), err: (t: string) => (text.err += t) } };
}

describe('npm run traces', () => {
  test('When the stack has trace files and a gateway log, then the table is printed and JSON, Markdown and SVG written', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'traces-out-')), 'run');
    const options = readOptions(['--out', out], { STACK_DIR: stackWithFixtures() });
    const { text, terminal: capture } = terminal();

    const run = await runTraces(options, { terminal: capture });

    expect(text.out).toMatch(/POST \/orders \(1 trace\)\n\s+stage\s+p50 ms/);
    expect(text.out).toContain(
      'GET /orders/reports/best-sellers: no traces — 1 request, 100.0 % answered by the gateway cache (p50 1.00 ms)',
    );
    expect(text.out).toMatch(/Gateway access log, every request traced or not: 3 requests/);
    expect(readFileSync(run!.files.markdown, 'utf8')).toContain(
      '| GET /orders/reports/best-sellers | 1 | 100.0 % | 1.00 | 1.00 | - | - | 0.0 % | 0.0 % |',
    );
    const json = JSON.parse(readFileSync(run!.files.json, 'utf8'));
    expect(
      json.operations.find((op: { operation: string }) => op.operation === 'POST /orders').total.meanMs,
    ).toBe(23);
    expect(readFileSync(run!.files.markdown, 'utf8')).toContain(
      '| gateway | 3.00 | 3.00 | 3.00 | 13.0 % | 1 |',
    );
    expect(readFileSync(run!.files.svg!, 'utf8')).toMatch(/^<svg/);
  });

  test('When there are no trace files, then it says where it looked and how to get traces', async () => {
    const stack = mkdtempSync(join(tmpdir(), 'traces-empty-'));
    const { text, terminal: capture } = terminal();

    const run = await runTraces(readOptions([], { STACK_DIR: stack }), { terminal: capture });

    expect(run).toBeUndefined();
    expect(text.err).toContain(join(stack, 'logs/traces'));
    expect(text.err).toContain('npm start');
  });

  test('When only the gateway log has requests, then its view is printed, JSON and Markdown written, no chart', async () => {
    const stack = mkdtempSync(join(tmpdir(), 'traces-gateway-only-'));
    mkdirSync(join(stack, 'logs'));
    copyFileSync(join(fixtures, 'nginx-gateway.jsonl'), join(stack, 'logs/nginx-access.log'));
    const out = join(stack, 'out');
    const { text, terminal: capture } = terminal();

    const run = await runTraces(readOptions(['--out', out], { STACK_DIR: stack }), { terminal: capture });

    expect(text.err).toBe('');
    expect(text.out).toContain('GET /orders/reports/best-sellers: no traces — 8 requests, 75.0 % answered');
    expect(run!.files.svg).toBeUndefined();
    const json = JSON.parse(readFileSync(run!.files.json, 'utf8'));
    expect(json.gateway.requests).toBe(19);
    expect(readdirSync(out).sort()).toEqual(['breakdown.json', 'breakdown.md']);
  });

  test('When the gateway log has only health checks and there are no traces, then nothing is shown', async () => {
    const stack = mkdtempSync(join(tmpdir(), 'traces-health-only-'));
    mkdirSync(join(stack, 'logs'));
    const healthCheck = readFileSync(join(fixtures, 'nginx-gateway.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.includes('/health-check'));
    writeFileSync(join(stack, 'logs/nginx-access.log'), `${healthCheck.join('\n')}\n`);
    const { text, terminal: capture } = terminal();

    const run = await runTraces(readOptions([], { STACK_DIR: stack }), { terminal: capture });

    expect(run).toBeUndefined();
    expect(text.err).toContain(`nor a request of them in ${join(stack, 'logs/nginx-access.log')}`);
  });

  test('When an option is wrong, then the usage is given', () => {
    expect(() => readOptions(['--jaeger', 'not a url'], {})).toThrow(/--jaeger <url>/);
  });
});

describe('npm run traces -- --jaeger', () => {
  let jaeger: Server | undefined;
  afterEach(() => {
    jaeger?.close();
  });

  test("When Jaeger's query API answers, then every service's traces are read once and broken down", async () => {
    // Jaeger itself does not run on this machine: a server answering its two routes with a recorded answer.
    const recorded = readFileSync(join(fixtures, 'jaeger-traces.json'), 'utf8');
    const queries: URLSearchParams[] = [];
    jaeger = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://jaeger');
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/api/services')
        return res.end('{"data":["reports-read","projector","jaeger-all-in-one"]}');
      queries.push(url.searchParams);
      res.end(recorded); // both services list the same trace
    }).listen(0, '127.0.0.1');
    await once(jaeger, 'listening');
    const url = `http://127.0.0.1:${(jaeger.address() as AddressInfo).port}`;
    const out = join(mkdtempSync(join(tmpdir(), 'traces-out-')), 'run');
    const { terminal: capture } = terminal();

    const run = await runTraces(readOptions(['--jaeger', url, '--lookback', '15m', '--out', out], {}), {
      terminal: capture,
    });

    expect(queries.map((query) => query.get('service'))).toEqual(['reports-read', 'projector']);
    const [first] = queries;
    expect(Number(first!.get('end')) - Number(first!.get('start'))).toBe(15 * 60 * 1_000_000);
    const report = run!.operations.find((op) => op.operation === 'GET /orders/reports/best-sellers');
    expect(report?.traces).toBe(1);
  });
});
