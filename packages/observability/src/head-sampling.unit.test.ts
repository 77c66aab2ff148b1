import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { headSamplingFromEnv, parentSampled } from './head-sampling';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const env = (sampler: string, arg?: string) => ({
  OTEL_TRACES_SAMPLER: sampler,
  OTEL_TRACES_SAMPLER_ARG: arg,
});

describe('head sampling of incoming requests', () => {
  test.each([
    [`00-${TRACE_ID}-${SPAN_ID}-01`, true],
    [`00-${TRACE_ID}-${SPAN_ID}-00`, false],
    [`00-${TRACE_ID}-${SPAN_ID}-03`, true],
    [`00-${'0'.repeat(32)}-${SPAN_ID}-01`, undefined],
    [`00-${TRACE_ID}-${'0'.repeat(16)}-01`, undefined],
    ['garbage', undefined],
    [undefined, undefined],
    [[`00-${TRACE_ID}-${SPAN_ID}-01`], undefined],
  ])('When the traceparent is %p, then the parent sampled flag is %p', (header, expected) => {
    expect(parentSampled(header)).toBe(expected);
  });

  test('When the sampler is not a parent-based ratio (or always off), then the SDK keeps deciding alone', () => {
    for (const sampler of ['always_on', 'traceidratio', 'parentbased_always_on', 'jaeger_remote'])
      expect(headSamplingFromEnv(env(sampler, '0.5'))).toBeUndefined();
    expect(headSamplingFromEnv({})).toBeUndefined();
  });

  test('When a request has no traceparent, then it is kept at the ratio; with one, as its parent decided', () => {
    const draws = [0.05, 0.5, 0.099, 0.1];
    const head = headSamplingFromEnv(env('parentbased_traceidratio', '0.1'), () => draws.shift()!)!;

    expect([undefined, undefined, undefined, undefined].map((none) => head.sampled(none))).toEqual([
      true,
      false,
      true,
      false,
    ]);
    expect(head.sampled(`00-${TRACE_ID}-${SPAN_ID}-01`)).toBe(true);
    expect(head.sampled(`00-${TRACE_ID}-${SPAN_ID}-00`)).toBe(false);
    expect(headSamplingFromEnv(env('parentbased_always_off'), () => 0)!.sampled(undefined)).toBe(false);
  });

  test('When the SDK samples, then kept server roots are sampled, parents decide for children, other roots by ratio', () => {
    const { sampler } = headSamplingFromEnv(env('parentbased_traceidratio', '0'))!;
    const decide = (parent: typeof ROOT_CONTEXT, kind: SpanKind) =>
      sampler.shouldSample(parent, TRACE_ID, 'span', kind, {}, []).decision;
    const child = (flags: TraceFlags) =>
      trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: flags });

    expect(decide(ROOT_CONTEXT, SpanKind.SERVER)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(ROOT_CONTEXT, SpanKind.CONSUMER)).toBe(SamplingDecision.NOT_RECORD); // ratio 0
    expect(decide(child(TraceFlags.SAMPLED), SpanKind.CLIENT)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(child(TraceFlags.NONE), SpanKind.SERVER)).toBe(SamplingDecision.NOT_RECORD);
  });
});
