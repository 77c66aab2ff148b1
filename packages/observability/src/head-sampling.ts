import { SpanKind, type Attributes, type Context, type Link } from '@opentelemetry/api';
import {
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace';

/*
 * Head sampling of incoming HTTP requests, decided before the http instrumentation does any work.
 * Measured on Node 24 (docs/adr/0014-tracing-cost.md): with parent-based sampling at 0.1, a cached report cost
 * the same whether 10 % or 0 % of requests were sampled: the price was the work the instrumentation does for every
 * request (attributes for the sampler, a span, its context, the express layer wrappers), not the export. So the
 * decision comes first: a request the sampler would drop is not instrumented at all (the instrumentation's
 * ignoreIncomingRequestHook), and only the kept ones pay for a server span.
 */

export interface HeadSampling {
  /** true: the request gets a server span; false: it runs untraced (see withUnsampledRequestTrace) */
  sampled(traceparent: string | string[] | undefined): boolean;
  /** the SDK sampler that agrees with it */
  sampler: Sampler;
}

const TRACEPARENT = /^[\da-f]{2}-(?!0{32})[\da-f]{32}-(?!0{16})[\da-f]{16}-([\da-f]{2})$/;

/** The sampled flag of a valid W3C traceparent; undefined when there is none or it is not valid. */
export function parentSampled(traceparent: string | string[] | undefined): boolean | undefined {
  const flags = typeof traceparent === 'string' ? TRACEPARENT.exec(traceparent.trim())?.[1] : undefined;
  return flags === undefined ? undefined : (parseInt(flags, 16) & 1) === 1;
}

/**
 * Roots of kind SERVER are the requests the head decision kept: sampled. Other roots (a message without a
 * traceparent, a background job) are sampled by trace id at the ratio, as the SDK's own sampler would.
 */
class HeadSampledServerRoots implements Sampler {
  private readonly others: TraceIdRatioBasedSampler;

  constructor(private readonly ratio: number) {
    this.others = new TraceIdRatioBasedSampler(ratio);
  }

  shouldSample(
    context: Context,
    traceId: string,
    _spanName: string,
    spanKind: SpanKind,
    _attributes: Attributes,
    _links: Link[],
  ): SamplingResult {
    if (spanKind === SpanKind.SERVER) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.others.shouldSample(context, traceId);
  }

  toString(): string {
    return `HeadSampledServerRoots{ratio=${this.ratio}}`;
  }
}

/**
 * Head sampling for `parentbased_traceidratio` (the stacks' setting) and `parentbased_always_off`; undefined for
 * any other OTEL_TRACES_SAMPLER, which the SDK then applies as usual to every request.
 */
export function headSamplingFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  random: () => number = Math.random,
): HeadSampling | undefined {
  const name = env.OTEL_TRACES_SAMPLER;
  let ratio: number;
  if (name === 'parentbased_always_off') ratio = 0;
  else if (name === 'parentbased_traceidratio') {
    const given = Number(env.OTEL_TRACES_SAMPLER_ARG ?? 1);
    ratio = Number.isFinite(given) ? Math.min(1, Math.max(0, given)) : 1;
  } else return undefined;
  return {
    sampled: (traceparent) => parentSampled(traceparent) ?? random() < ratio,
    sampler: new ParentBasedSampler({ root: new HeadSampledServerRoots(ratio) }),
  };
}
