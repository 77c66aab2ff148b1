import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { breakdown } from '../breakdown';
import { spansFromJaeger, type JaegerTrace } from './jaeger';
import { parseAccessLine, parseGatewayLine, upstreamMs } from './nginx-log';
import { nanosToMs, normaliseId, spansFromOtlp } from './otlp-json';

describe('OTLP/JSON', () => {
  test('When ids are hex or base64, then both give the same lowercase hex; all-zero ids are no id', () => {
    const hex = '4bf92f3577b34da6a3ce929d0e0e4736';

    expect(normaliseId(hex.toUpperCase(), 16)).toBe(hex);
    expect(normaliseId(Buffer.from(hex, 'hex').toString('base64'), 16)).toBe(hex);
    expect(normaliseId('AAAAAAAAAAA=', 8)).toBeUndefined();
    expect(normaliseId('', 8)).toBeUndefined();
  });

  test('When times are unix nanoseconds as strings or numbers, then they become milliseconds to the microsecond', () => {
    expect(nanosToMs('1700000000001234567')).toBe(1700000000001.234);
    expect(nanosToMs(1_700_000_000_048_000_000)).toBe(1700000000048);
  });

  test('When a span has no parent and a named kind, then it is a root of that kind with its resource service', () => {
    const [span] = spansFromOtlp({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'projector' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
                  spanId: '00f067aa0ba902b7',
                  parentSpanId: '',
                  name: 'projector.orders process',
                  kind: 'SPAN_KIND_CONSUMER',
                  startTimeUnixNano: '1000000',
                  endTimeUnixNano: '3000000',
                  attributes: [{ key: 'retries', value: { intValue: '2' } }],
                },
              ],
            },
          ],
        },
      ],
    });

    expect(span).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      name: 'projector.orders process',
      kind: 'consumer',
      service: 'projector',
      startMs: 1,
      endMs: 3,
      attributes: { retries: 2 },
    });
  });
});

describe('Jaeger', () => {
  // A report GET as Jaeger's /api/traces gives it: µs times, the trace id's leading zero trimmed, tags.
  const trace = (
    JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/jaeger-traces.json'), 'utf8')) as {
      data: JaegerTrace[];
    }
  ).data[0]!;

  test('When Jaeger traces are converted, then ids are padded, kinds come from span.kind, parents from CHILD_OF', () => {
    const spans = spansFromJaeger([trace]);

    expect(spans[0]).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      kind: 'server',
      service: 'reports-read',
      startMs: 1_700_000_000_000,
      endMs: 1_700_000_000_010,
    });
    expect(spans[0]?.parentId).toBeUndefined();
    expect(spans[3]).toMatchObject({ parentId: '5000000000000003', kind: 'client', name: 'zrevrange' });
  });

  test('When the converted trace is broken down, then it gives the same stages as the OTLP one', () => {
    const report = breakdown(spansFromJaeger([trace])).find(
      (op) => op.operation === 'GET /orders/reports/best-sellers',
    );

    expect(Object.fromEntries(report!.stages.map((stage) => [stage.stage, stage.meanMs]))).toEqual({
      'HTTP handler': 2,
      'report compute': 3,
      Redis: 5,
    });
  });
});

describe('gateway access log', () => {
  test('When upstream times list a retry or no upstream, then they are summed or absent', () => {
    expect(upstreamMs('0.003, 0.002')).toBeCloseTo(5, 6);
    expect(upstreamMs('-')).toBeUndefined();
    expect(upstreamMs('')).toBeUndefined();
  });

  test('When a line has no trace id or is not JSON, then it is skipped', () => {
    expect(parseGatewayLine('{"method":"GET","trace_id":"","duration_s":0.001}')).toBeUndefined();
    expect(parseGatewayLine('127.0.0.1 - - [plain text]')).toBeUndefined();
    expect(
      parseGatewayLine(
        '{"request_id":"r1","method":"GET","uri":"/x","status":200,"duration_s":0.004,"upstream_s":"-","trace_id":"0AF7651916CD43DD8448EB211C80319C"}',
      ),
    ).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      requestId: 'r1',
      method: 'GET',
      uri: '/x',
      status: 200,
      durationMs: 4,
    });
  });

  test('When a cache answer has no trace id, then the reader of all lines keeps it, its path without query', () => {
    const line =
      '{"time":"t","request_id":"r2","trace_id":"","method":"GET","uri":"/orders/reports/best-sellers?limit=5","status":200,"duration_s":0.000,"upstream":"","upstream_s":"","cache":"HIT"}';

    expect(parseGatewayLine(line)).toBeUndefined();
    expect(parseAccessLine(line)).toEqual({
      time: 't',
      requestId: 'r2',
      method: 'GET',
      path: '/orders/reports/best-sellers',
      uri: '/orders/reports/best-sellers?limit=5',
      status: 200,
      durationMs: 0,
      reachedUpstream: false,
      cache: 'HIT',
    });
  });
});
