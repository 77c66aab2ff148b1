import { attributeSpan, splitWindow, type Piece, type SpanTree, type StageTimes } from './attribute';
import { classify, operationOf, PIPELINE_STAGES, STAGES } from './classify';
import { byTrace, type GatewayRequest, type Span } from './span';

/*
 * One sample per operation per trace: how that trace's time splits by stage.
 * - An HTTP operation is its SERVER span (the asynchronous pipeline it starts left out), plus the gateway's own
 *   time from the access log line with the same trace id (duration − upstream time).
 * - "order → report" runs from the POST /orders SERVER span's start to the end of the projector's last Redis call
 *   (its apply): the request, the outbox wait, publish and confirm, the queue wait, the projector's apply.
 */

export const ORDER_TO_REPORT = 'order → report';
export const HTTP_OPERATIONS = [
  'POST /orders',
  'GET /orders/reports/highest-spenders',
  'GET /orders/reports/best-sellers',
] as const;
export const OPERATIONS = [...HTTP_OPERATIONS, ORDER_TO_REPORT];

export interface TraceSample {
  operation: string;
  traceId: string;
  stages: StageTimes;
}

function treeOf(spans: Span[]): SpanTree & { parentOf(span: Span): Span | undefined } {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const children = new Map<string, Span[]>();
  for (const span of spans) {
    if (!span.parentId || !byId.has(span.parentId)) continue;
    children.set(span.parentId, [...(children.get(span.parentId) ?? []), span]);
  }
  const stages = new Map(spans.map((span) => [span, classify(span)]));
  return {
    childrenOf: (span) => children.get(span.spanId) ?? [],
    stageOf: (span) => stages.get(span),
    parentOf: (span) => (span.parentId ? byId.get(span.parentId) : undefined),
  };
}

type Tree = ReturnType<typeof treeOf>;

/** Leaves out the subtrees of the pipeline stages other than the piece's own. */
const otherPipelineStages = (tree: Tree, own: string) => (child: Span) => {
  const stage = tree.stageOf(child);
  return stage !== undefined && stage !== own && PIPELINE_STAGES.has(stage);
};

function nearestAncestor(tree: Tree, span: Span, test: (stage: string | undefined) => boolean) {
  for (let parent = tree.parentOf(span); parent; parent = tree.parentOf(parent)) {
    if (test(tree.stageOf(parent))) return parent;
  }
  return undefined;
}

function httpSample(tree: Tree, server: Span, gateway: GatewayRequest | undefined): StageTimes {
  const stages = attributeSpan(
    server,
    server,
    tree,
    STAGES.handler,
    otherPipelineStages(tree, STAGES.handler),
  );
  if (gateway?.upstreamMs !== undefined) {
    const gatewayMs = Math.max(0, gateway.durationMs - gateway.upstreamMs);
    if (gatewayMs > 0) stages.set(STAGES.gateway, gatewayMs);
  }
  return stages;
}

function orderToReportSample(tree: Tree, spans: Span[], order: Span): StageTimes | undefined {
  // The outermost span of each pipeline stage (the producer inside "outbox publish" is part of that one).
  const pipeline = spans.filter((span) => {
    const stage = tree.stageOf(span);
    return (
      stage !== undefined && PIPELINE_STAGES.has(stage) && !nearestAncestor(tree, span, (s) => s === stage)
    );
  });
  const consumers = pipeline.filter((span) => tree.stageOf(span) === STAGES.apply);
  if (consumers.length === 0) return undefined;
  const redisEnds = (span: Span): number[] =>
    tree
      .childrenOf(span)
      .flatMap((child) => [
        ...(tree.stageOf(child) === STAGES.redis ? [child.endMs] : []),
        ...redisEnds(child),
      ]);
  const endMs = Math.max(
    ...consumers.map((consumer) => Math.max(...redisEnds(consumer), Number.NEGATIVE_INFINITY)),
  );
  const window = {
    startMs: order.startMs,
    endMs: Number.isFinite(endMs) ? endMs : Math.max(...consumers.map((c) => c.endMs)),
  };

  const pieceOf = (span: Span, stage: string): Piece => ({
    interval: span,
    times: attributeSpan(span, window, tree, stage, otherPipelineStages(tree, stage)),
  });
  const pieces = [order, ...pipeline].map((span) => pieceOf(span, tree.stageOf(span) ?? STAGES.handler));
  for (const consumer of consumers) {
    const producer = nearestAncestor(tree, consumer, (stage) => stage === STAGES.publish);
    if (producer && consumer.startMs > producer.endMs) {
      const wait = { startMs: producer.endMs, endMs: consumer.startMs };
      pieces.push({ interval: wait, times: new Map([[STAGES.queueWait, wait.endMs - wait.startMs]]) });
    }
  }
  return splitWindow(window, pieces, STAGES.untraced);
}

export function traceSamples(spans: Span[], gatewayRequests: GatewayRequest[] = []): TraceSample[] {
  const gateway = new Map(gatewayRequests.map((request) => [request.traceId, request]));
  const samples: TraceSample[] = [];
  for (const [traceId, traceSpans] of byTrace(spans)) {
    const tree = treeOf(traceSpans);
    for (const operation of HTTP_OPERATIONS) {
      const server = traceSpans.find((span) => operationOf(span) === operation);
      if (!server) continue;
      samples.push({ operation, traceId, stages: httpSample(tree, server, gateway.get(traceId)) });
      if (operation !== 'POST /orders') continue;
      const stages = orderToReportSample(tree, traceSpans, server);
      if (stages) samples.push({ operation: ORDER_TO_REPORT, traceId, stages });
    }
  }
  return samples;
}
