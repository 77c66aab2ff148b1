import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Answer } from './answer';
import { judgeDashboard, judgeQueues, judgeTargets, judgeTrace } from './judges';

/*
 * The judges against recorded answers of the real APIs (src/fixtures/: Jaeger v2's /api/v3/traces/<id>,
 * Prometheus's /api/v1/targets, Grafana's /api/search, RabbitMQ's /api/queues/%2F), and against the same answers
 * broken the way a half-working stack breaks them.
 */
const recorded = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, 'fixtures', `${name}.json`), 'utf8'));
const answer = (json: unknown, status = 200): Answer => ({ status, body: JSON.stringify(json), json });

describe('Jaeger: the order is one trace across services', () => {
  test('When the trace has spans of orders-write and the projector, then it passes and counts them', () => {
    const verdict = judgeTrace(answer(recorded('jaeger-v3-trace')), ['orders-write', 'projector']);

    expect(verdict).toEqual({ ok: true, detail: 'orders-write (2 spans), projector (1 spans)' });
  });

  test('When the projector has not sent its span, then it fails naming the missing service and what is there', () => {
    const trace = recorded('jaeger-v3-trace') as { result: { resourceSpans: unknown[] } };
    trace.result.resourceSpans = trace.result.resourceSpans.slice(0, 1);

    const verdict = judgeTrace(answer(trace), ['orders-write', 'projector']);

    expect(verdict).toEqual({
      ok: false,
      detail: 'the trace has no span of projector; it has orders-write (2 spans)',
    });
  });

  test('When Jaeger does not know the trace, then it fails with its 404 answer', () => {
    const notFound = { error: { httpCode: 404, message: 'trace not found' } };

    const verdict = judgeTrace(answer(notFound, 404), ['orders-write']);

    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toContain('HTTP 404: {"error":{"httpCode":404,"message":"trace not found"}}');
  });
});

describe('Prometheus: every target up', () => {
  test('When every active target is up, then it passes with their number', () => {
    expect(judgeTargets(answer(recorded('prometheus-targets')))).toEqual({
      ok: true,
      detail: '3 targets up',
    });
  });

  test('When a target is down, then it fails naming its job, instance and last scrape error', () => {
    const targets = recorded('prometheus-targets') as { data: { activeTargets: Record<string, unknown>[] } };
    Object.assign(targets.data.activeTargets[1]!, {
      health: 'down',
      lastError: 'Get "http://rabbitmq:15692/metrics": dial tcp: lookup rabbitmq: no such host',
    });

    const verdict = judgeTargets(answer(targets));

    expect(verdict).toEqual({
      ok: false,
      detail:
        '1 of 3 targets not up: rabbitmq rabbitmq:15692 down: Get "http://rabbitmq:15692/metrics": dial tcp: lookup rabbitmq: no such host',
    });
  });

  test('When Prometheus is not there, then it fails with the connection error', () => {
    const verdict = judgeTargets({ status: 0, body: 'no answer: ECONNREFUSED' });

    expect(verdict).toEqual({
      ok: false,
      detail: 'expected 200 with active targets, got no answer: ECONNREFUSED',
    });
  });
});

describe('Grafana: the provisioned dashboard', () => {
  test('When the search lists it, then it passes with its title and folder', () => {
    expect(judgeDashboard(answer(recorded('grafana-search')), 'store-manager')).toEqual({
      ok: true,
      detail: '"Store Manager" in folder "Store Manager"',
    });
  });

  test("When the credentials are wrong, then it fails with Grafana's 401 answer", () => {
    const verdict = judgeDashboard(answer({ message: 'Invalid username or password' }, 401), 'store-manager');

    expect(verdict.detail).toBe(
      'expected 200 with a list of dashboards, got HTTP 401: {"message":"Invalid username or password"}',
    );
  });

  test('When provisioning did not load it, then it fails saying what is listed instead', () => {
    expect(judgeDashboard(answer([]), 'store-manager')).toEqual({
      ok: false,
      detail: 'no dashboard with uid store-manager; listed: none',
    });
  });
});

describe('RabbitMQ: the projector queues', () => {
  const names = ['projector.orders', 'projector.orders.dead-letter'];

  test('When both queues exist, then it passes with their type and depth', () => {
    expect(judgeQueues(answer(recorded('rabbitmq-queues')), names)).toEqual({
      ok: true,
      detail: 'projector.orders (quorum, 0 messages), projector.orders.dead-letter (quorum, 0 messages)',
    });
  });

  test('When the dead-letter queue is missing, then it fails naming it and listing the others', () => {
    const queues = (recorded('rabbitmq-queues') as unknown[]).slice(0, 1);

    expect(judgeQueues(answer(queues), names)).toEqual({
      ok: false,
      detail: 'missing queue projector.orders.dead-letter; listed: projector.orders',
    });
  });
});
