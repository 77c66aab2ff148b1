import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { routeTemplate, type Logger } from '@store/observability';

interface AccessFields {
  method: string | undefined;
  route: string;
  status: number;
  duration_ms: number;
}

const fields = (req: IncomingMessage, res: ServerResponse, responseTime: number): AccessFields => ({
  method: req.method,
  // The route template (/orders/:id), never the raw path: ids and query strings may carry personal data.
  route: routeTemplate(req as Request),
  status: res.statusCode,
  duration_ms: responseTime,
});

const UNLOGGED = /^\/(metrics|health)/;

/**
 * One access log line per request (method, route, status, duration); request_id, trace_id and span_id come from
 * the logger's correlation mixin. Probes and scrapes are not logged: they would drown the requests.
 */
export function accessLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    quietResLogger: true,
    autoLogging: { ignore: (req) => UNLOGGED.test(req.url ?? '') },
    customSuccessObject: (req, res, value: { responseTime: number }) => fields(req, res, value.responseTime),
    customErrorObject: (req, res, _error, value: { responseTime: number }) =>
      fields(req, res, value.responseTime),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
  }) as RequestHandler;
}
