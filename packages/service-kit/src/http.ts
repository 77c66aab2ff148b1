import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { z } from 'zod';
import {
  activeTraceparent,
  routeTemplate,
  httpMetricsMiddleware,
  traceRequests,
  metricsRouter,
  runWithRequestId,
  type Logger,
  type Registry,
} from '@store/observability';
import { accessLog } from './access-log';
import { AppError, type ErrorBody } from './errors';
import { describeIssues } from './validation';
import { healthRouter, type ReadinessChecks } from './health';
import { securityHeaders } from './security-headers';

export const MAX_JSON_BODY = '64kb';

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  metrics: Registry;
  readiness: ReadinessChecks;
}

/**
 * An Express app with everything the contract asks of every service: request id, traceparent and the security
 * headers on every response (no X-Powered-By), an access log line per request, RED metrics, /metrics, health
 * routes, JSON bodies only (415), 64 KiB at most (413).
 * The service mounts its routes, then calls `finishHttpApp` for the 404 and error handlers.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(traceRequests()); // first: everything after runs in the request's trace context
  app.use(securityHeaders);
  app.use(identify(options.service));
  app.use(accessLog(options.logger));
  app.use(httpMetricsMiddleware(options.metrics));
  app.use(metricsRouter(options.metrics));
  app.use(healthRouter(options.readiness, options.logger));
  app.use(requireJsonBody);
  app.use(express.json({ limit: MAX_JSON_BODY, type: () => true, strict: false }));
  return app;
}

/** A service's own answer to a client error, built from the contract's error body (default: the body as is). */
export type ClientErrorBody = (req: express.Request, body: ErrorBody) => object;

export function finishHttpApp(app: Express, logger: Logger, clientErrorBody?: ClientErrorBody): void {
  app.use((req, _res, next) => next(new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(logger, clientErrorBody ?? ((_req, body) => body)));
}

function identify(service: string): RequestHandler {
  const host = hostname();
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && incoming.length <= 200 ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.set('X-Request-Id', requestId);
    res.set('X-Service', service);
    // Which replica answered: the gateway balances over several, and experiments need to tell them apart.
    res.set('X-Instance', `${host}:${req.socket.localPort ?? 0}`);
    // The request's trace context (traceRequests: its server span, or an order's unsampled context), so a client
    // or the gateway's log can find the trace. Without the SDK, or for a read the head sampling left out, there is
    // no trace, and no header.
    const traceparent = activeTraceparent();
    if (traceparent) res.set('traceparent', traceparent);
    runWithRequestId(requestId, next);
  };
}

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

function errorHandler(logger: Logger, clientErrorBody: ClientErrorBody): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error);
    if (appError && appError.code !== 'INTERNAL' && appError.code !== 'UNAVAILABLE') {
      res.status(appError.status).json(clientErrorBody(req, appError.toBody()));
      return;
    }
    // Details of 5xx go to the log only: no stack trace or SQL ever reaches a client.
    logger.error({ err: error, method: req.method, route: routeTemplate(req) }, 'request failed');
    const answer = appError ?? new AppError('INTERNAL', 'internal error');
    if (!res.headersSent) res.status(answer.status).json(answer.toBody());
  };
}
