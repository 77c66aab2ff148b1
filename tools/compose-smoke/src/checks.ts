import { randomBytes } from 'node:crypto';
import { DEAD_LETTER_QUEUE, PROJECTOR_QUEUE } from '@store/contracts';
import type { Answer, Http } from './answer';
import * as judge from './judges';
import type { Verdict } from './judges';
import type { SmokeSettings } from './settings';

/*
 * The smoke checks in the order a user would try them: through the gateway first (an order, both reports, the
 * GraphQL stock query, a short k6 run), then each console (Jaeger, Prometheus, Grafana, RabbitMQ). The order is
 * sent with a sampled traceparent of our own, so that trace is kept whatever OTEL_TRACES_SAMPLER_ARG says, and
 * Jaeger is then asked for exactly that trace. Spans, scrapes and queues arrive a little after the request:
 * those checks ask again until they pass or `settleMs` is over, then report the last answer.
 */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** The URL asked, or the command run: where a failure came from. */
  target: string;
  detail: string;
}

/** Runs the compose k6 service: whether it passed, what to show, and the command (a failure's "where"). */
export type K6Runner = () => Promise<{ ok: boolean; detail: string; command: string }>;

export interface SmokeDeps {
  http: Http;
  runK6?: K6Runner;
  /** Waits between two tries of a check that waits for data to arrive. */
  pause: (ms: number) => Promise<void>;
  /** Called with each result as soon as it is known. */
  onResult?: (result: CheckResult) => void;
}

const RETRY_INTERVAL_MS = 2000;
const TRACE_SERVICES = ['orders-write', 'projector'] as const;
const QUEUES = [PROJECTOR_QUEUE, DEAD_LETTER_QUEUE] as const;
const DASHBOARD_UID = 'store-manager';

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const basic = (user: string, password: string): RequestInit => ({
  headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
});

export async function runSmoke(settings: SmokeSettings, deps: SmokeDeps): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const record = (name: string, target: string, verdict: Verdict) => {
    const result = { name, target, ok: verdict.ok, detail: verdict.detail };
    results.push(result);
    deps.onResult?.(result);
  };
  /** Asks once, or (settle) again until the judge passes or the time is over. */
  const check = async (
    name: string,
    url: string,
    judgeAnswer: (answer: Answer) => Verdict,
    options: { init?: RequestInit; settle?: boolean } = {},
  ) => {
    const deadline = Date.now() + (options.settle ? settings.settleMs : 0);
    let verdict = judgeAnswer(await deps.http(url, options.init));
    while (!verdict.ok && Date.now() < deadline) {
      await deps.pause(RETRY_INTERVAL_MS);
      verdict = judgeAnswer(await deps.http(url, options.init));
    }
    record(name, url, verdict);
    return verdict;
  };

  const gateway = settings.gatewayUrl;
  const traceId = randomBytes(16).toString('hex');
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  const order = { user_id: 1, items: [{ product_id: 2, quantity: 1 }] };
  const placed = await check('gateway: POST /orders', `${gateway}/orders`, judge.judgeOrder, {
    init: json(order, { traceparent }),
  });
  for (const report of ['highest-spenders', 'best-sellers'])
    await check(`gateway: ${report} report`, `${gateway}/orders/reports/${report}`, judge.judgeReport);
  await check('gateway: GraphQL stock query', `${gateway}/stocks/graphql-query`, judge.judgeStockQuery, {
    init: json({ query: 'query ($id: ID!) { product(id: $id) { id name quantity } }', variables: { id: 2 } }),
  });

  if (deps.runK6) {
    const k6 = await deps.runK6();
    record('k6: read-write scenario from the compose k6 service', k6.command, k6);
  }

  const traceUrl = `${settings.jaegerUrl}/api/v3/traces/${traceId}`;
  if (placed.ok)
    await check(
      'jaeger: the order is one trace across orders-write and projector',
      traceUrl,
      (a) => judge.judgeTrace(a, TRACE_SERVICES),
      { settle: true },
    );
  else
    record('jaeger: the order is one trace', traceUrl, { ok: false, detail: 'no order was placed to trace' });

  await check(
    'prometheus: every target up',
    `${settings.prometheusUrl}/api/v1/targets?state=active`,
    judge.judgeTargets,
    { settle: true },
  );
  await check(
    'grafana: the provisioned dashboard is listed',
    `${settings.grafanaUrl}/api/search?query=${encodeURIComponent('Store Manager')}`,
    (a) => judge.judgeDashboard(a, DASHBOARD_UID),
    { init: basic(settings.grafanaUser, settings.grafanaPassword), settle: true },
  );
  await check(
    'rabbitmq: the projector queues exist',
    `${settings.rabbitmqUrl}/api/queues/${encodeURIComponent('/')}`,
    (a) => judge.judgeQueues(a, QUEUES),
    { init: basic(settings.rabbitmqUser, settings.rabbitmqPassword), settle: true },
  );
  return results;
}

/** One line per check, then a summary; a failure says which check, where and what came back. */
export function formatResult(result: CheckResult): string {
  return result.ok
    ? `PASS  ${result.name} — ${result.detail}`
    : `FAIL  ${result.name}\n        asked: ${result.target}\n        got:   ${result.detail}`;
}

export function formatSummary(results: readonly CheckResult[]): string {
  const failed = results.filter((result) => !result.ok);
  return failed.length
    ? `${failed.length} of ${results.length} checks failed: ${failed.map((r) => r.name).join('; ')}`
    : `all ${results.length} checks passed`;
}
