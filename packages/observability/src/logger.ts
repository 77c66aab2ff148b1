import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { currentRequestId } from './request-context';
import { activeTraceIds } from './tracing';

export type { Logger } from 'pino';

/** request_id, trace_id and span_id of the request or message being handled, merged into every line. */
function correlation(): Record<string, string> {
  const requestId = currentRequestId();
  const ids = activeTraceIds();
  if (!requestId) return ids ?? {};
  return ids ? { request_id: requestId, ...ids } : { request_id: requestId };
}

/**
 * The one logger set-up of every service: structured JSON on stdout, the service name on every line, and the
 * request's correlation ids on every line written while handling it.
 * LOG_LEVEL is read here (not in each service's config) so that all services agree on its meaning.
 */
export function createLogger(
  service: string,
  options: LoggerOptions = {},
  destination?: DestinationStream,
): Logger {
  const settings: LoggerOptions = {
    name: service,
    level: process.env.LOG_LEVEL ?? 'info',
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
    mixin: correlation,
    ...options,
  };
  return destination ? pino(settings, destination) : pino(settings);
}
