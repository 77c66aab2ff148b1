import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context,
  propagation,
  trace,
  type Context,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { routeTemplate } from './metrics';
import { tracer } from './tracing';

/*
 * The server span of an HTTP request, made here rather than by @opentelemetry/instrumentation-http. Measured on
 * Node 24 (docs/adr/0014-tracing-cost.md): with parent-based sampling at 0.1 a cached report cost nearly as much
 * traced at ratio 0 as at 0.1 — the price was what the instrumentation does for EVERY request before and besides
 * sampling (attributes for the sampler, a span, event-emitter binding of request and response), plus the express
 * instrumentation's layer wrappers, not the export of the kept 10 %. Here the head decision comes first
 * (head-sampling.ts) and only kept requests pay for a span, with the same stable HTTP attributes and name
 * (`GET /orders/:id`) as the instrumentation gave. The services make no outgoing HTTP calls, so nothing else of
 * that instrumentation was in use.
 */

export interface RequestTracing {
  /** whether a request with this traceparent header (or none) gets a recorded server span */
  sampled(traceparent: string | string[] | undefined): boolean;
}

const POLICY = Symbol.for('store-manager.tracing.requests');
const slot = globalThis as { [POLICY]?: RequestTracing };

/** Called by the register module when the SDK runs and server spans are wanted. */
export const setRequestTracing = (policy: RequestTracing): void => void (slot[POLICY] = policy);

const UNTRACED_PATHS = /^\/(metrics|health)/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SUPPRESSED = suppressTracing(ROOT_CONTEXT);

/*
 * The SDK's own id generator (Math.random into a reused buffer), as for every span: crypto.randomBytes here, two
 * calls per order left out, was 3.5 % of a write replica's CPU under load. Trace ids need to be unique,
 * not secret.
 */
const ids = new RandomIdGenerator();

/** A trace context that says "not sampled", for work whose decision must travel on (an order's events). */
const unsampledContext = (): Context =>
  trace.setSpanContext(ROOT_CONTEXT, {
    traceId: ids.generateTraceId(),
    spanId: ids.generateSpanId(),
    traceFlags: TraceFlags.NONE,
  });

/**
 * Express middleware, first in the chain: the rest of the request runs in its trace context.
 * - no SDK, or /metrics and /health: nothing;
 * - kept by the head sampling: a SERVER span, child of the caller's traceparent when there is one;
 * - left out, and safe (GET, HEAD, OPTIONS): tracing suppressed, so its Redis and MySQL calls cost no span and
 *   nothing of it leaves the process;
 * - left out, and a write (an order): an unsampled context, the caller's or a new one, whose traceparent (flag
 *   00) travels with what it writes (an outbox row, a message), so what handles that later, sampling
 *   parent-based, leaves it out too.
 */
export function traceRequests(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    const policy = slot[POLICY];
    if (!policy || UNTRACED_PATHS.test(req.path)) return next();
    const sampled = policy.sampled(req.headers.traceparent);
    if (!sampled && SAFE_METHODS.has(req.method)) return context.with(SUPPRESSED, next);
    const caller = propagation.extract(ROOT_CONTEXT, req.headers);
    if (!sampled) return context.with(trace.getSpanContext(caller) ? caller : unsampledContext(), next);
    const span = tracer().startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: req.method,
          [ATTR_URL_SCHEME]: 'http',
          [ATTR_URL_PATH]: req.path,
          [ATTR_SERVER_PORT]: req.socket.localPort,
          [ATTR_CLIENT_ADDRESS]: req.socket.remoteAddress,
          [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
          [ATTR_USER_AGENT_ORIGINAL]: req.headers['user-agent'],
        },
      },
      caller,
    );
    // 'close' comes after 'finish', and also when the client went away before the answer.
    res.once('close', () => {
      const route = routeTemplate(req);
      if (route !== 'unmatched')
        span.setAttribute(ATTR_HTTP_ROUTE, route).updateName(`${req.method} ${route}`);
      if (res.writableFinished) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (!res.writableFinished || res.statusCode >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, res.writableFinished ? String(res.statusCode) : 'aborted');
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    });
    context.with(trace.setSpan(caller, span), next);
  };
}
