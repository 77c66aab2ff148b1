import type { Span } from './span';

/*
 * Splits a stretch of time among stages so that the parts add up to the stretch exactly. Children are clipped to
 * their parent's interval; where children overlap (parallel SQL statements, a consumer that starts before its
 * producer's confirm), each overlapping moment is shared equally among them, so the overlap is counted once. The
 * time no child covers is the parent's own.
 */

export type StageTimes = Map<string, number>;

export interface Interval {
  startMs: number;
  endMs: number;
}

export interface Piece {
  interval: Interval;
  times: StageTimes;
}

const length = (interval: Interval) => Math.max(0, interval.endMs - interval.startMs);

export const clip = (interval: Interval, window: Interval): Interval => ({
  startMs: Math.max(interval.startMs, window.startMs),
  endMs: Math.min(interval.endMs, window.endMs),
});

export function addTimes(into: StageTimes, stage: string, ms: number): void {
  if (ms > 0) into.set(stage, (into.get(stage) ?? 0) + ms);
}

/** Each piece's share of the window's covered time: its length, less what it shares with overlapping pieces. */
function coveredShares(pieces: Interval[]): number[] {
  const bounds = [...new Set(pieces.flatMap((piece) => [piece.startMs, piece.endMs]))].sort((a, b) => a - b);
  const shares = pieces.map(() => 0);
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [from, to] = [bounds[i]!, bounds[i + 1]!];
    const active = pieces.flatMap((piece, index) =>
      piece.startMs <= from && piece.endMs >= to ? [index] : [],
    );
    for (const index of active) shares[index]! += (to - from) / active.length;
  }
  return shares;
}

/** The window's time by stage: the pieces (clipped to it, overlaps shared) and the rest to `ownStage`. */
export function splitWindow(window: Interval, pieces: Piece[], ownStage: string): StageTimes {
  const result: StageTimes = new Map();
  const clipped = pieces
    .map((piece) => ({ ...piece, interval: clip(piece.interval, window) }))
    .filter((piece) => length(piece.interval) > 0);
  const shares = coveredShares(clipped.map((piece) => piece.interval));
  clipped.forEach((piece, index) => {
    const total = [...piece.times.values()].reduce((sum, ms) => sum + ms, 0);
    const scale = total > 0 ? shares[index]! / total : 0;
    for (const [stage, ms] of piece.times) addTimes(result, stage, ms * scale);
  });
  addTimes(result, ownStage, length(window) - shares.reduce((sum, share) => sum + share, 0));
  return result;
}

export interface SpanTree {
  childrenOf(span: Span): Span[];
  stageOf(span: Span): string | undefined;
}

/**
 * A span's time within `window`, by stage: its descendants' stages where they run, its own (or the inherited
 * one, for an unclassified span) elsewhere. `skip` leaves a child's whole subtree out (it belongs to another
 * operation: the outbox's asynchronous pipeline, seen from the HTTP request).
 */
export function attributeSpan(
  span: Span,
  window: Interval,
  tree: SpanTree,
  inherited: string,
  skip: (child: Span) => boolean = () => false,
): StageTimes {
  const interval = clip(span, window);
  if (length(interval) === 0) return new Map();
  const stage = tree.stageOf(span) ?? inherited;
  const pieces = tree
    .childrenOf(span)
    .filter((child) => !skip(child))
    .map((child) => ({ interval: child, times: attributeSpan(child, interval, tree, stage, skip) }));
  return splitWindow(interval, pieces, stage);
}
