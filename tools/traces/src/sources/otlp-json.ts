import type { AttributeValue, Span, SpanKind } from '../span';

/*
 * Reads OTLP/JSON ExportTraceServiceRequest bodies (what the sink stores, one per line). The OTLP JSON mapping says
 * ids are hex, but protobuf-to-JSON encoders write them as base64 and int64 times may be strings or numbers: all
 * are accepted. Enum values may be numbers (2) or names ("SPAN_KIND_SERVER").
 */

interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number | string;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: KeyValue[];
  links?: { traceId: string; spanId: string }[];
}
export interface ExportTraceServiceRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

const KINDS: SpanKind[] = ['internal', 'internal', 'server', 'client', 'producer', 'consumer'];

function kindOf(kind: number | string | undefined): SpanKind {
  if (typeof kind === 'number') return KINDS[kind] ?? 'internal';
  const name = (kind ?? '').replace(/^SPAN_KIND_/, '').toLowerCase();
  return (KINDS as string[]).includes(name) ? (name as SpanKind) : 'internal';
}

/** Hex ids stay as they are (lowercased); anything else is taken as base64 of the id's bytes. */
export function normaliseId(id: string | undefined, bytes: 8 | 16): string | undefined {
  if (!id) return undefined;
  const hex = new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(id)
    ? id
    : Buffer.from(id, 'base64').toString('hex');
  return /^0+$/.test(hex) || hex.length !== bytes * 2 ? undefined : hex.toLowerCase();
}

/** Unix nanoseconds (string or number) → unix milliseconds, exact to the microsecond. */
export function nanosToMs(nanos: string | number): number {
  const value = typeof nanos === 'number' ? BigInt(Math.round(nanos)) : BigInt(nanos);
  return Number(value / 1000n) / 1000;
}

function valueOf(value: AnyValue | undefined): AttributeValue | undefined {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(valueOf).join(',');
  return undefined;
}

export function attributesOf(list: KeyValue[] | undefined): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue> = {};
  for (const { key, value } of list ?? []) {
    const converted = valueOf(value);
    if (converted !== undefined) attributes[key] = converted;
  }
  return attributes;
}

export function spansFromOtlp(request: ExportTraceServiceRequest): Span[] {
  const spans: Span[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    const service = String(resource['service.name'] ?? 'unknown');
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        const traceId = normaliseId(span.traceId, 16);
        const spanId = normaliseId(span.spanId, 8);
        if (!traceId || !spanId) continue;
        const parentId = normaliseId(span.parentSpanId, 8);
        const links = (span.links ?? []).flatMap((link) => {
          const linked = { traceId: normaliseId(link.traceId, 16), spanId: normaliseId(link.spanId, 8) };
          return linked.traceId && linked.spanId ? [{ traceId: linked.traceId, spanId: linked.spanId }] : [];
        });
        spans.push({
          traceId,
          spanId,
          ...(parentId ? { parentId } : {}),
          name: span.name,
          kind: kindOf(span.kind),
          service,
          startMs: nanosToMs(span.startTimeUnixNano),
          endMs: nanosToMs(span.endTimeUnixNano),
          attributes: attributesOf(span.attributes),
          ...(links.length ? { links } : {}),
        });
      }
    }
  }
  return spans;
}
