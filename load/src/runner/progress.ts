import type { Recorder } from './recorder';

export interface ProgressOptions {
  stream: NodeJS.WriteStream | { write(text: string): boolean; isTTY?: boolean };
  everyMs: number;
  label: string;
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

/**
 * The live line: users, RPS, p50/p95 and errors over the last interval. On a terminal it is rewritten in place
 * (\r), elsewhere (CI logs, a pipe) each tick is a line of its own. Returns the function that stops it.
 */
export function showProgress(recorder: Recorder, options: ProgressOptions): () => void {
  const tty = Boolean(options.stream.isTTY);
  let last = performance.now();
  const started = last;
  const tick = () => {
    const now = performance.now();
    const { window } = recorder;
    const { p50, p95 } = window.latency.summary();
    const seconds = (now - last) / 1000;
    const step = recorder.current;
    const line =
      `${options.label} ${fixed((now - started) / 1000, 0)} s | step ${step ? step.index + 1 : '-'}` +
      ` | users ${recorder.users} | ${fixed(window.requests / seconds, 0)} rps` +
      ` | p50 ${fixed(p50, 1)} ms p95 ${fixed(p95, 1)} ms` +
      ` | errors ${window.failed} (${fixed(window.requests ? (100 * window.failed) / window.requests : 0, 1)} %)`;
    options.stream.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    window.reset();
    last = now;
  };
  const timer = setInterval(tick, options.everyMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (tty) options.stream.write('\n');
  };
}
