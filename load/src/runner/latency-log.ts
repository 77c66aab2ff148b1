import { summarize, type LatencySummary } from '../stats';

/**
 * Latencies (ms) of one step and task, in a typed array that doubles when full: no object per sample, and
 * sorting a Float64Array is numeric and fast.
 */
export class LatencyLog {
  private values: Float64Array;
  private size = 0;

  constructor(capacity = 1024) {
    this.values = new Float64Array(capacity);
  }

  get count(): number {
    return this.size;
  }

  add(ms: number): void {
    if (this.size === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.size++] = ms;
  }

  /** Empties the log, keeping its buffer (the progress line's window reuses one log). */
  clear(): void {
    this.size = 0;
  }

  /** The samples so far, as a view (valid until the next add or clear). */
  samples(): Float64Array {
    return this.values.subarray(0, this.size);
  }

  summary(): LatencySummary {
    return summarize(this.samples());
  }
}

/** The summary of several logs' samples together (a whole run from its steps). */
export function summarizeLogs(logs: readonly LatencyLog[]): LatencySummary {
  const all = new Float64Array(logs.reduce((total, log) => total + log.count, 0));
  let offset = 0;
  for (const log of logs) {
    all.set(log.samples(), offset);
    offset += log.count;
  }
  return summarize(all);
}
