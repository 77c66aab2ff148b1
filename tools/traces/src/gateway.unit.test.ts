import { join } from 'node:path';
import { gatewayView, hasOperationRequests } from './gateway';
import { gatewayTerminalTable, noTracesNote } from './gateway-report';
import { readAccessLog } from './sources/files';

// 19 requests: best-sellers 6 from the cache + 2 upstream, highest-spenders 4 upstream (one 502), POST /orders 4
// upstream (one 503) + one 429 from nginx, and 2 other routes; plus a line that is not JSON.
const view = gatewayView(readAccessLog(join(__dirname, '../test/fixtures/nginx-gateway.jsonl')));
const operation = (name: string) => view.operations.find((candidate) => candidate.operation === name)!;

describe('gateway view', () => {
  test('When every line is read, traced or not, then each operation counts its requests and the rest is "other"', () => {
    expect(view.requests).toBe(19);
    expect(view.operations.map(({ operation: name, requests }) => [name, requests])).toEqual([
      ['POST /orders', 5],
      ['GET /orders/reports/highest-spenders', 4],
      ['GET /orders/reports/best-sellers', 8],
      ['other', 2],
    ]);
    expect([view.from, view.to]).toEqual(['2023-11-14T22:13:01+00:00', '2023-11-14T22:13:19+00:00']);
  });

  test('When the cache answered (HIT, STALE, UPDATING, no upstream), then its share and times are its own', () => {
    const bestSellers = operation('GET /orders/reports/best-sellers');

    expect(bestSellers.cache).toEqual({ requests: 6, share: 0.75, p50Ms: 0, p95Ms: 2 });
    expect(bestSellers.upstream).toEqual({ requests: 2, share: 0.25, p50Ms: 11, p95Ms: 20 });
    expect(bestSellers.gatewayOnly).toBe(0);
  });

  test('When a service answered, a retry included, then the upstream percentiles are over those requests only', () => {
    const highestSpenders = operation('GET /orders/reports/highest-spenders');

    expect(highestSpenders.cache.requests).toBe(0);
    expect(highestSpenders.upstream).toEqual({ requests: 4, share: 1, p50Ms: 4, p95Ms: 30 });
    expect(highestSpenders.errors).toEqual({ status5xx: 0.25, status429: 0 });
  });

  test('When nginx rate limits a write, then it is a 429 that reached no upstream, apart from the 5xx', () => {
    const orders = operation('POST /orders');

    expect(orders.upstream).toMatchObject({ requests: 4, share: 0.8, p50Ms: 20, p95Ms: 30 });
    expect(orders.gatewayOnly).toBe(1);
    expect(orders.errors).toEqual({ status5xx: 0.2, status429: 0.2 });
  });

  test('When only other routes are in the log, then there is nothing of the operations to show', () => {
    const healthChecks = gatewayView(
      readAccessLog(join(__dirname, '../test/fixtures/nginx-gateway.jsonl')).slice(-2),
    );

    expect(hasOperationRequests(healthChecks)).toBe(false);
    expect(hasOperationRequests(view)).toBe(true);
  });
});

describe('gateway report', () => {
  test('When an operation has no traces but the gateway answered it from its cache, then its line says so', () => {
    expect(noTracesNote('GET /orders/reports/best-sellers', view)).toBe(
      "no traces — 8 requests, 75.0 % answered by the gateway cache (p50 < 1 ms); GATEWAY_CACHE=off or OTEL_TRACES_SAMPLER_ARG=1 to see the service's share",
    );
    expect(noTracesNote('POST /orders', view)).toBe(
      'no traces — 5 requests through the gateway (p50 20.0 ms); OTEL_TRACES_SAMPLER_ARG=1 to trace every one',
    );
    expect(noTracesNote('order → report', view)).toBe('no traces');
    expect(noTracesNote('POST /orders', gatewayView([]))).toBe(
      "no traces, and no request of it in the gateway's access log",
    );
  });

  test('When the view is printed, then each operation is a row with its shares and times (< 1 under a ms)', () => {
    const lines = gatewayTerminalTable(view).split('\n');

    expect(lines[0]).toBe(
      'Gateway access log, every request traced or not: 19 requests, 2023-11-14T22:13:01+00:00 → 2023-11-14T22:13:19+00:00',
    );
    expect(lines.find((line) => line.includes('best-sellers'))?.split(/\s{2,}/)).toEqual([
      '',
      'GET /orders/reports/best-sellers',
      '8',
      '75.0 %',
      '< 1',
      '2.00',
      '11.0',
      '20.0',
      '0.0 %',
      '0.0 %',
    ]);
  });
});
