/*
 * Tracing for a service process, loaded before anything else: `node --require @store/observability/register
 * dist/src/main.js`. Configured only by the standard OTEL_* variables (OTEL_TRACES_EXPORTER,
 * OTEL_EXPORTER_OTLP_ENDPOINT / _PROTOCOL, OTEL_TRACES_SAMPLER / _ARG, OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_SDK_DISABLED).
 *
 * OTEL_TRACES_EXPORTER unset means tracing off: no SDK, no patched modules, nothing to pay. "none" runs the SDK
 * (trace ids in logs and responses, context across the outbox) and exports nothing.
 *
 * What is instrumented, and what is left out on purpose (measured: each costs throughput on cheap requests):
 * http (server spans; /metrics and /health are not traced), express (route handlers only: a span per middleware
 * doubles the span count for nothing), mysql2 as MikroORM drives it (statements masked: MikroORM inlines values),
 * ioredis (only under a parent span, so idle pings make no traces), amqplib (publish → consume, context in the
 * message headers). Not the knex instrumentation (each statement would appear twice), nor net and dns.
 */
import { hostname } from 'node:os';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { setTracingShutdown } from './tracing';

const UNTRACED_PATHS = /^\/(metrics|health)/;

const INSTRUMENTATIONS = {
  http: () =>
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
    }),
  express: () =>
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
  mysql2: () => new MySQL2Instrumentation({ maskStatement: true }),
  ioredis: () => new IORedisInstrumentation({ requireParentSpan: true }),
  amqplib: () => new AmqplibInstrumentation(),
};

/** All of the above but those named in OTEL_NODE_DISABLED_INSTRUMENTATIONS (comma list, as in OTel JS). */
function enabledInstrumentations() {
  const disabled = new Set(
    (process.env.OTEL_NODE_DISABLED_INSTRUMENTATIONS ?? '').split(',').map((name) => name.trim()),
  );
  return Object.entries(INSTRUMENTATIONS)
    .filter(([name]) => !disabled.has(name))
    .map(([, create]) => create());
}

function startTracing(): void {
  const exporter = process.env.OTEL_TRACES_EXPORTER;
  if (!exporter || process.env.OTEL_SDK_DISABLED === 'true') return;
  // Metrics are prom-client's, scraped by Prometheus; logs are pino's, on stdout. Unless asked otherwise, the SDK
  // must not build a second metrics pipeline (instrumentation-http would record a histogram per request, at a
  // measurable cost) nor a logs exporter.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const instanceGiven = (process.env.OTEL_RESOURCE_ATTRIBUTES ?? '').includes('service.instance.id=');
  const sdk = new NodeSDK({
    // The SDK merges this with OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
    ...(instanceGiven
      ? {}
      : { resource: resourceFromAttributes({ 'service.instance.id': `${hostname()}:${process.pid}` }) }),
    instrumentations: enabledInstrumentations(),
  });
  sdk.start();
  setTracingShutdown(() => sdk.shutdown());
}

startTracing();
