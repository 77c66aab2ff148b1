/** Timers that shutdown (or a closed channel) can cut short, so nothing waits out a long backoff. */
export class Sleeper {
  private readonly wakers = new Set<() => void>();

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** Ends every sleep now; the sleepers check why they woke. */
  wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}

/** Waits for all `promises` to settle, or `ms`, whichever comes first; true if all settled. */
export async function settleWithin(promises: Iterable<Promise<unknown>>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = Promise.allSettled([...promises]).then(() => true);
  const outcome = await Promise.race([settled, timeout]);
  clearTimeout(timer);
  return outcome;
}
