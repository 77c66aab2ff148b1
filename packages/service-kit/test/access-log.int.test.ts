import { Writable } from 'node:stream';
import { createHttpApp, finishHttpApp, listen, type RunningServer } from '../src';
import { Registry, createLogger, tracer } from '@store/observability';
import { startInMemoryTracing } from '@store/testing';

/** A service logger whose lines the test can read. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as never);
      done();
    },
  });
  const logger = createLogger('access-log-test', {}, stream);
  return { logger, lines };
}

describe('access log and log correlation', () => {
  const { logger, lines } = capturedLogger();
  let server: RunningServer;

  beforeAll(async () => {
    const app = createHttpApp({ service: 'test', logger, metrics: new Registry(), readiness: {} });
    app.get('/things/:id', async (_req, res) => {
      await new Promise((resolve) => setImmediate(resolve));
      logger.info('inside the handler');
      res.json({ ok: true });
    });
    finishHttpApp(app, logger);
    server = await listen(app, 0);
  });
  afterAll(() => server.close());
  beforeEach(() => lines.splice(0));

  const accessLines = () =>
    lines.filter((line) => line.msg === 'request completed' || line.msg === 'request failed');

  it('When a request is answered, then one access line gives method, route template, status, duration and request id', async () => {
    await fetch(`${server.url}/things/42?email=someone@example.com`, {
      headers: { 'x-request-id': 'req-1' },
    });
    await fetch(`${server.url}/nowhere`, { headers: { 'x-request-id': 'req-2' } });

    expect(accessLines()).toEqual([
      expect.objectContaining({ request_id: 'req-1', method: 'GET', route: '/things/:id', status: 200 }),
      expect.objectContaining({ request_id: 'req-2', method: 'GET', route: 'unmatched', status: 404 }),
    ]);
    expect(accessLines()[0]?.duration_ms).toEqual(expect.any(Number));
    // The raw path (ids, query strings) never reaches the log.
    expect(JSON.stringify(lines)).not.toContain('example.com');
  });

  it('When the handler logs after an await, then its line carries the request id', async () => {
    await fetch(`${server.url}/things/7`, { headers: { 'x-request-id': 'req-3' } });

    expect(lines.find((line) => line.msg === 'inside the handler')).toMatchObject({ request_id: 'req-3' });
  });

  it('When probes and scrapes are answered, then they are not logged', async () => {
    await fetch(`${server.url}/metrics`);
    await fetch(`${server.url}/health/live`);

    expect(accessLines()).toEqual([]);
  });

  it('When a line is written inside an active span, then it carries that span’s trace and span ids', async () => {
    const tracing = startInMemoryTracing();
    try {
      const ids = await tracer().startActiveSpan('work', async (span) => {
        await new Promise((resolve) => setImmediate(resolve));
        logger.info('traced line');
        span.end();
        return span.spanContext();
      });
      expect(lines.find((line) => line.msg === 'traced line')).toMatchObject({
        trace_id: ids.traceId,
        span_id: ids.spanId,
      });
    } finally {
      await tracing.stop();
    }
  });
});
