import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { z } from 'zod';
import { httpMetricsMiddleware, metricsRouter, type Logger, type Registry } from '@store/observability';
import { AppError } from './errors';
import { describeIssues } from './validation';
import { healthRouter, type ReadinessChecks } from './health';

export const MAX_JSON_BODY = '64kb';

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  metrics: Registry;
  readiness: ReadinessChecks;
}

/**
 * An Express app with everything the contract asks of every service: request id and traceparent on every
 * response, RED metrics, /metrics, health routes, JSON bodies only (415), 64 KiB at most (413).
 * The service mounts its routes, then calls `finishHttpApp` for the 404 and error handlers.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(identify(options.service));
  app.use(httpMetricsMiddleware(options.metrics));
  app.use(metricsRouter(options.metrics));
  app.use(healthRouter(options.readiness, options.logger));
  app.use(requireJsonBody);
  app.use(express.json({ limit: MAX_JSON_BODY, type: () => true, strict: false }));
  return app;
}

export function finishHttpApp(app: Express, logger: Logger): void {
  app.use((req, _res, next) => next(new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(logger));
}

const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

function identify(service: string): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && incoming.length <= 200 ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.set('X-Request-Id', requestId);
    res.set('X-Service', service);
    // Which replica answered: the gateway balances over several, and experiments need to tell them apart.
    res.set('X-Instance', `${hostname()}:${req.socket.localPort ?? 0}`);
    // Until tracing is wired in, continue the caller's trace id (or start one) so every answer carries one.
    const traceparent = req.get('traceparent');
    const traceId = traceparent && TRACEPARENT.test(traceparent) ? traceparent.slice(3, 35) : randomHex(16);
    res.set('traceparent', `00-${traceId}-${randomHex(8)}-01`);
    next();
  };
}

const randomHex = (bytes: number): string => randomBytes(bytes).toString('hex');

const hasBody = (req: express.Request): boolean =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (hasBody(req) && !req.is('application/json')) {
    next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'request body must be application/json'));
    return;
  }
  next();
};

interface BodyParserError {
  type?: string;
  status?: number;
}

function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) {
    return new AppError('VALIDATION_FAILED', 'invalid request', describeIssues(error));
  }
  const type = (error as BodyParserError | null)?.type;
  if (type === 'entity.too.large') {
    return new AppError('PAYLOAD_TOO_LARGE', `request body exceeds ${MAX_JSON_BODY}`);
  }
  if (type === 'entity.parse.failed') {
    return new AppError('VALIDATION_FAILED', 'malformed JSON body', [{ path: '(body)', reason: 'not JSON' }]);
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding');
  }
  if (type === 'request.aborted' || type === 'request.size.invalid') {
    return new AppError('VALIDATION_FAILED', 'incomplete request body');
  }
  return undefined;
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error);
    if (appError && appError.code !== 'INTERNAL' && appError.code !== 'UNAVAILABLE') {
      // API.md: a delete of an unknown id answers {"deleted": false, ...} beside the usual error fields.
      const deleteMiss = req.method === 'DELETE' && appError.code === 'NOT_FOUND';
      res
        .status(appError.status)
        .json(deleteMiss ? { deleted: false, ...appError.toBody() } : appError.toBody());
      return;
    }
    // Details of 5xx go to the log only: no stack trace or SQL ever reaches a client.
    logger.error(
      { err: error, requestId: res.locals.requestId, method: req.method, path: req.path },
      'request failed',
    );
    const answer = appError ?? new AppError('INTERNAL', 'internal error');
    if (!res.headersSent) res.status(answer.status).json(answer.toBody());
  };
}
