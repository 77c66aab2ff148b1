import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answer, Http } from './answer';
import { formatResult, formatSummary, runSmoke, type CheckResult } from './checks';
import type { SmokeSettings } from './settings';

/*
 * The whole smoke run against recorded answers served by URL: the order's trace id is read from the traceparent
 * the run sent, as Jaeger would. What a user sees is checked too: PASS lines, and for a failure the check, the
 * URL asked and what came back.
 */
const recorded = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8'));
const ok = (json: unknown, status = 200): Answer => ({ status, body: JSON.stringify(json), json });

const settings: SmokeSettings = {
  gatewayUrl: 'http://gw',
  jaegerUrl: 'http://jaeger',
  prometheusUrl: 'http://prom',
  grafanaUrl: 'http://grafana',
  grafanaUser: 'admin',
  grafanaPassword: 'secret',
  rabbitmqUrl: 'http://rabbit',
  rabbitmqUser: 'store',
  rabbitmqPassword: 'secret',
  settleMs: 0,
  compose: ['docker', 'compose'],
  runK6: false,
};

function stack(overrides: Record<string, Answer> = {}) {
  const asked: { url: string; init?: RequestInit }[] = [];
  const answers: Record<string, Answer> = {
    'http://gw/orders': ok({ order_id: 41, user_id: 1, total_amount: 59.5, items: [] }, 201),
    'http://gw/orders/reports/highest-spenders': ok([{ user_id: 1, total_spent: 59.5 }]),
    'http://gw/orders/reports/best-sellers': ok([{ product_id: 2, total_sold: 1 }]),
    'http://gw/stocks/graphql-query': ok({
      data: { product: { id: '2', name: 'Keyboard DEF', quantity: 499 } },
    }),
    jaeger: ok(recorded('jaeger-v3-trace')),
    'http://prom/api/v1/targets?state=active': ok(recorded('prometheus-targets')),
    'http://grafana/api/search?query=Store%20Manager': ok(recorded('grafana-search')),
    'http://rabbit/api/queues/%2F': ok(recorded('rabbitmq-queues')),
    ...overrides,
  };
  const http: Http = (url, init) => {
    asked.push({ url, init });
    const key = url.startsWith('http://jaeger/api/v3/traces/') ? 'jaeger' : url;
    return Promise.resolve(answers[key] ?? { status: 404, body: 'not recorded' });
  };
  return { http, asked };
}

const run = (http: Http, runK6?: () => Promise<{ ok: boolean; detail: string; command: string }>) =>
  runSmoke(settings, { http, runK6, pause: () => Promise.resolve() });

describe('The compose smoke run', () => {
  test("When every API answers as recorded, then every check passes and Jaeger is asked for the order's trace", async () => {
    const { http, asked } = stack();

    const results = await run(http);

    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results).toHaveLength(8);
    const traceparent = new Headers(asked[0]!.init?.headers).get('traceparent')!;
    const traceId = traceparent.split('-')[1];
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(asked.map((a) => a.url)).toContain(`http://jaeger/api/v3/traces/${traceId}`);
    expect(formatSummary(results)).toBe('all 8 checks passed');
  });

  test('When the gateway has no replica, then the order check fails with the URL and the 503 body, and no trace is sought', async () => {
    const unavailable = { error: 'no replica answered', code: 'UNAVAILABLE' };
    const { http, asked } = stack({ 'http://gw/orders': ok(unavailable, 503) });

    const results = await run(http);
    const order = results.find((r) => r.name === 'gateway: POST /orders')!;

    expect(formatResult(order)).toBe(
      [
        'FAIL  gateway: POST /orders',
        '        asked: http://gw/orders',
        '        got:   expected 201 with an order_id, got HTTP 503: {"error":"no replica answered","code":"UNAVAILABLE"}',
      ].join('\n'),
    );
    expect(results.find((r) => r.name.startsWith('jaeger'))).toMatchObject({
      ok: false,
      detail: 'no order was placed to trace',
    });
    expect(asked.some((a) => a.url.startsWith('http://jaeger'))).toBe(false);
  });

  test('When the k6 run fails, then its check fails with the command and what the runner said', async () => {
    const { http } = stack();
    const k6 = () =>
      Promise.resolve({
        ok: false,
        command: 'docker compose --profile load run --rm k6',
        detail: 'k6 exited 99',
      });

    const results = await run(http, k6);
    const failed = results.filter((r) => !r.ok);

    expect(failed.map((r: CheckResult) => [r.name, r.target, r.detail])).toEqual([
      [
        'k6: read-write scenario from the compose k6 service',
        'docker compose --profile load run --rm k6',
        'k6 exited 99',
      ],
    ]);
    expect(formatSummary(results)).toBe(
      '1 of 9 checks failed: k6: read-write scenario from the compose k6 service',
    );
  });

  test('When the consoles are asked, then Grafana and RabbitMQ get the .env credentials as basic auth', async () => {
    const { http, asked } = stack();

    await run(http);
    const auth = (prefix: string) =>
      new Headers(asked.find((a) => a.url.startsWith(prefix))!.init?.headers).get('authorization');

    expect(auth('http://grafana')).toBe(`Basic ${Buffer.from('admin:secret').toString('base64')}`);
    expect(auth('http://rabbit')).toBe(`Basic ${Buffer.from('store:secret').toString('base64')}`);
  });
});
