export interface BackoffOptions {
  /** Delay before the first retry. */
  initialDelayMs: number;
  /** Cap: the delay never grows beyond this, however many attempts failed. */
  maxDelayMs: number;
}

/**
 * Capped exponential backoff with "equal jitter": half of the exponential step is fixed, half is random.
 * The random half keeps many clients that lost the broker at the same moment from reconnecting (or retrying)
 * in lockstep; the fixed half keeps a lower bound so a retry never comes back at once.
 *
 * @param attempt 0 for the first retry, 1 for the second, …
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const initial = Math.max(0, options.initialDelayMs);
  const cap = Math.max(initial, options.maxDelayMs);
  // 2 ** 31 already exceeds any sane cap; clamping the exponent keeps the maths finite.
  const step = Math.min(cap, initial * 2 ** Math.min(Math.max(0, attempt), 31));
  return Math.round(step / 2 + random() * (step / 2));
}
