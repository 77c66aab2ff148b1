import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createLogger } from '@store/observability';
import { start, type StartedSink } from '../src/sink/server';
import { readTraceFiles } from '../src/sources/files';
import { traceFileName } from '../src/sink/trace-files';

// Real OTLP/JSON export requests, as the services' exporter sends them (one per line in the fixture).
const requests = readFileSync(join(__dirname, 'fixtures/otlp-traces.jsonl'), 'utf8').trim().split('\n');
const [orderRequest, relayRequest] = requests as [string, string];
const logger = createLogger('trace-sink-test', { level: 'silent' });

let sink: StartedSink | undefined;
afterEach(async () => {
  await sink?.stop();
  sink = undefined;
});

async function startSink(settings: { maxFileBytes?: number; maxFiles?: number; maxBodyBytes?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'trace-sink-'));
  sink = await start(
    {
      host: '127.0.0.1',
      port: 0,
      dir,
      maxFileBytes: 1024 * 1024,
      maxFiles: 5,
      maxBodyBytes: 1024 * 1024,
      ...settings,
    },
    { logger },
  );
  return { dir, url: sink.url };
}

const post = (url: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/traces`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

const filesIn = (dir: string) => readdirSync(dir).sort();
const linesOf = (file: string) => readFileSync(file, 'utf8').trim().split('\n');

describe('trace sink', () => {
  test('When an OTLP/JSON export request is posted, then it is answered {} and stored as one JSON line', async () => {
    const { dir, url } = await startSink();
    const pretty = JSON.stringify(JSON.parse(orderRequest), null, 2);

    const response = await post(url, pretty, { 'content-type': 'application/json; charset=utf-8' });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    expect(filesIn(dir)).toEqual([traceFileName(1)]);
    const lines = linesOf(join(dir, traceFileName(1)));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual(JSON.parse(orderRequest));
    expect(readTraceFiles([join(dir, traceFileName(1))]).map((span) => span.name)).toContain('POST /orders');
  });

  test('When a gzip-compressed request is posted, then it is stored decompressed', async () => {
    const { dir, url } = await startSink();

    const response = await post(url, gzipSync(relayRequest), { 'content-encoding': 'gzip' });

    expect(response.status).toBe(200);
    expect(linesOf(join(dir, traceFileName(1)))).toEqual([relayRequest]);
  });

  test('When the files fill up, then a new file is begun and only the newest ones are kept', async () => {
    // Room for two lines per file, two files kept: 7 requests → files 1..4 written, 1 and 2 deleted.
    const line = `${orderRequest}\n`;
    const { dir, url } = await startSink({ maxFileBytes: Buffer.byteLength(line) * 2.5, maxFiles: 2 });

    for (let i = 0; i < 7; i++) {
      const request = JSON.parse(orderRequest);
      request.resourceSpans[0].resource.attributes.push({ key: 'n', value: { intValue: String(i) } });
      expect((await post(url, JSON.stringify(request))).status).toBe(200);
    }

    expect(filesIn(dir)).toEqual([traceFileName(3), traceFileName(4)]);
    for (const file of filesIn(dir))
      expect(statSync(join(dir, file)).size).toBeLessThanOrEqual(line.length * 2.5);
    const kept = filesIn(dir).flatMap((file) => linesOf(join(dir, file)));
    const numbers = kept.map(
      (text) => JSON.parse(text).resourceSpans[0].resource.attributes.at(-1).value.intValue,
    );
    expect(numbers).toEqual(['4', '5', '6']);
  });

  test('When the sink restarts, then it appends after the files it finds', async () => {
    const { dir } = await startSink();
    writeFileSync(join(dir, traceFileName(7)), `${relayRequest}\n`);
    await sink?.stop();
    sink = await start(
      { host: '127.0.0.1', port: 0, dir, maxFileBytes: 1024 * 1024, maxFiles: 5, maxBodyBytes: 1024 * 1024 },
      { logger },
    );

    await post(sink.url, orderRequest);

    expect(linesOf(join(dir, traceFileName(7)))).toEqual([relayRequest, orderRequest]);
  });

  test('When a protobuf request is posted, then it is refused with 415 and how to send JSON, and nothing is stored', async () => {
    const { dir, url } = await startSink();

    const response = await post(url, Buffer.from([0x0a, 0x02, 0x08, 0x01]), {
      'content-type': 'application/x-protobuf',
    });

    expect(response.status).toBe(415);
    expect(((await response.json()) as { message: string }).message).toContain(
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json',
    );
    expect(filesIn(dir)).toEqual([]);
  });

  test('When a body is larger than the limit or not JSON, then it is refused (413, 400) and nothing is stored', async () => {
    const { dir, url } = await startSink({ maxBodyBytes: 1024 });

    const tooLarge = await post(url, JSON.stringify({ resourceSpans: [], padding: 'x'.repeat(2048) }));
    const notJson = await post(url, '{"resourceSpans": [');

    expect(tooLarge.status).toBe(413);
    expect(notJson.status).toBe(400);
    expect(filesIn(dir)).toEqual([]);
  });

  test('When its health is asked, then it answers 200; an unknown route is 404', async () => {
    const { url } = await startSink();

    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/v1/metrics`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${url}/v1/traces`)).status).toBe(405);
  });
});
