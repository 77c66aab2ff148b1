import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { Logger } from '@store/observability';
import type { SinkConfig } from './config';
import { RotatingTraceFiles } from './trace-files';

/*
 * The plain-process stack's OTLP/HTTP receiver: POST /v1/traces with an OTLP/JSON ExportTraceServiceRequest is
 * stored as one JSON line, as received (re-serialised on one line), and answered `{}` (full success). It keeps no
 * index and reads nothing back: `npm run traces` reads the files. Protobuf is refused (no protobuf decoder here):
 * the services send JSON because the stack sets OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json.
 */

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const PROTOBUF_REFUSED =
  'this local sink accepts OTLP/JSON only: set OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json (Content-Type: application/json)';

function send(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, `request body larger than ${maxBytes} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  if (req.headers['content-encoding'] !== 'gzip') return body;
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch {
    throw new HttpError(400, 'gzip body could not be decompressed within the size limit');
  }
}

function parseRequest(body: Buffer): object {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'body is not an ExportTraceServiceRequest object');
  }
  return parsed;
}

export interface StartedSink {
  url: string;
  stop(): Promise<void>;
}

export async function start(config: SinkConfig, { logger }: { logger: Logger }): Promise<StartedSink> {
  const files = await RotatingTraceFiles.open(config.dir, config.maxFileBytes, config.maxFiles);
  const refusedTypes = new Set<string>();

  async function receiveTraces(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      // Logged once per content type: a misconfigured exporter retries every few seconds.
      if (!refusedTypes.has(type)) logger.warn({ contentType: type }, PROTOBUF_REFUSED);
      refusedTypes.add(type);
      throw new HttpError(415, PROTOBUF_REFUSED);
    }
    const request = parseRequest(await readBody(req, config.maxBodyBytes));
    await files.append(JSON.stringify(request));
    send(res, 200, {});
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/health' && req.method === 'GET') return send(res, 200, { status: 'ok' });
      if (path !== '/v1/traces') throw new HttpError(404, `no route ${req.method} ${path}: POST /v1/traces`);
      if (req.method !== 'POST') throw new HttpError(405, 'POST /v1/traces only');
      await receiveTraces(req, res);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) logger.error({ err: error }, 'could not store traces');
      // The client may still be sending a refused body: close the connection rather than read it.
      if (status === 413) res.setHeader('connection', 'close');
      send(res, status, { message: error instanceof Error ? error.message : String(error) });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const url = `http://${config.host}:${(server.address() as AddressInfo).port}`;
  logger.info(
    { url, dir: config.dir, maxFileBytes: config.maxFileBytes, maxFiles: config.maxFiles },
    'trace sink',
  );

  return {
    url,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await closed;
      await files.flushed();
    },
  };
}
