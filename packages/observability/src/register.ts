/*
 * Tracing for a service process, loaded before anything else: `node --require @store/observability/register
 * dist/src/main.js`. Configured only by the standard OTEL_* variables (OTEL_TRACES_EXPORTER,
 * OTEL_EXPORTER_OTLP_ENDPOINT / _PROTOCOL, OTEL_TRACES_SAMPLER / _ARG, OTEL_SERVICE_NAME,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_SDK_DISABLED).
 *
 * OTEL_TRACES_EXPORTER unset means tracing off: no SDK, no patched modules, nothing to pay. "none" runs the SDK
 * (trace ids in logs and responses, context across the outbox) and exports nothing.
 *
 * What is instrumented, and what is left out on purpose (measured: each costs throughput on cheap requests, see
 * docs/adr/0014-tracing-cost.md): http (server spans by traceRequests in server-spans.ts, only for the requests
 * the head sampling keeps; /metrics and /health are not traced), mysql2 as MikroORM drives it (statements masked:
 * MikroORM inlines values), ioredis (only under a parent span, so idle pings make no traces), amqplib (publish → consume, context in the
 * message headers). Neither the http instrumentation (its work on every request, kept or not, cost a cached
 * report 40 % of its throughput) nor express (its layer wrappers cost a third, for a span that repeats the server
 * span), nor net and dns.
 */
import { hostname } from 'node:os';
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { headSamplingFromEnv } from './head-sampling';
import { setRequestTracing } from './server-spans';
import { setTracingShutdown } from './tracing';

const headSampling = headSamplingFromEnv();

const INSTRUMENTATIONS = {
  mysql2: () => new MySQL2Instrumentation({ maskStatement: true }),
  ioredis: () => new IORedisInstrumentation({ requireParentSpan: true }),
  amqplib: () => new AmqplibInstrumentation(),
};

/** All of the above but those named in OTEL_NODE_DISABLED_INSTRUMENTATIONS (comma list, as in OTel JS). */
const disabled = new Set(
  (process.env.OTEL_NODE_DISABLED_INSTRUMENTATIONS ?? '').split(',').map((name) => name.trim()),
);

function enabledInstrumentations() {
  return Object.entries(INSTRUMENTATIONS)
    .filter(([name]) => !disabled.has(name))
    .map(([, create]) => create());
}

function startTracing(): void {
  const exporter = process.env.OTEL_TRACES_EXPORTER;
  if (!exporter || process.env.OTEL_SDK_DISABLED === 'true') return;
  // Metrics are prom-client's, scraped by Prometheus; logs are pino's, on stdout. Unless asked otherwise, the SDK
  // must not build a second metrics pipeline nor a logs exporter.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const instanceGiven = (process.env.OTEL_RESOURCE_ATTRIBUTES ?? '').includes('service.instance.id=');
  const sdk = new NodeSDK({
    // The SDK merges this with OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
    ...(instanceGiven
      ? {}
      : { resource: resourceFromAttributes({ 'service.instance.id': `${hostname()}:${process.pid}` }) }),
    instrumentations: enabledInstrumentations(),
    // The sampler that agrees with the head decision; otherwise the SDK's own, from OTEL_TRACES_SAMPLER.
    ...(headSampling ? { sampler: headSampling.sampler } : {}),
  });
  sdk.start();
  setTracingShutdown(() => sdk.shutdown());
  // Server spans (the services' traceRequests middleware): every request when no head sampling applies, the SDK
  // deciding as usual; "http" in OTEL_NODE_DISABLED_INSTRUMENTATIONS turns them off, as it did the instrumentation.
  if (!disabled.has('http')) setRequestTracing(headSampling ?? { sampled: () => true });
}

startTracing();
