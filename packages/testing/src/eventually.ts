/**
 * Calls `probe` until it returns a value (not undefined), bounded in time. Only for observing an external
 * store or process (Redis, a broker queue, a stack starting, time-based expiry); effects the code under test can
 * announce are awaited through its hooks instead.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 15_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
