import {
  ROOT_CONTEXT,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type TimeInput,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

/*
 * The few tracing operations the services use, over the OpenTelemetry API only. Without the SDK (tracing off,
 * or in-process tests) every call here is a cheap no-op: the API's default tracer makes non-recording spans.
 */

export const tracer = () => trace.getTracer('store-manager');

/** The W3C `traceparent` of the active context (to store beside data that leaves the process), if any. */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Runs `fn` with the remote context described by `traceparent` as parent (the root context if none). */
export function withRemoteParent<T>(traceparent: string | null | undefined, fn: () => T): T {
  const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
  return context.with(parent, fn);
}

/** A link to the span a W3C `traceparent` names, read by the propagation API (none if absent or malformed). */
export function linkToTraceparent(traceparent: string | null | undefined): Link[] {
  return traceparent ? linkTo(propagation.extract(ROOT_CONTEXT, { traceparent })) : [];
}

/** The active trace context, kept to re-enter later (work that leaves the callback it was delivered in). */
export type TraceContext = Context;
export const activeContext = (): TraceContext => context.active();
export const withContext = <T>(saved: TraceContext, fn: () => T): T => context.with(saved, fn);

/** A link to the span active in `saved` (none when nothing was being traced there). */
export function linkTo(saved: TraceContext): Link[] {
  const spanContext = trace.getSpanContext(saved);
  return spanContext && trace.isSpanContextValid(spanContext) ? [{ context: spanContext }] : [];
}

/** Runs `fn` with tracing suppressed: idle polls and housekeeping would otherwise fill the trace store. */
export const untraced = <T>(fn: () => T): T => context.with(suppressTracing(context.active()), fn);

/** trace_id and span_id of the active span, for log correlation; undefined when nothing is being traced. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/** The active span (a request's server span, say), to add attributes known only later; undefined if none. */
export const activeSpan = (): Span | undefined => trace.getActiveSpan();

export interface SpanOptions {
  attributes?: Attributes;
  links?: Link[];
  startTime?: TimeInput;
}

/** Runs `fn` inside a new active span, ended when `fn` settles; a thrown error marks the span as failed. */
export async function inSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T>,
  options: SpanOptions = {},
): Promise<T> {
  return tracer().startActiveSpan(name, options, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span that only records an interval that already happened (time waiting in the outbox, say). */
export function recordSpan(name: string, start: TimeInput, end: TimeInput, options: SpanOptions = {}): void {
  tracer()
    .startSpan(name, { ...options, startTime: start })
    .end(end);
}

type Shutdown = () => Promise<void>;
const SHUTDOWN = Symbol.for('store-manager.tracing.shutdown');
const slot = globalThis as { [SHUTDOWN]?: Shutdown };

/** Called by the register module once the SDK runs. */
export const setTracingShutdown = (shutdown: Shutdown): void => void (slot[SHUTDOWN] = shutdown);

/** Flushes and stops the SDK, if one runs; the last step of a service's graceful shutdown. */
export const shutdownTracing = (): Promise<void> => slot[SHUTDOWN]?.() ?? Promise.resolve();
