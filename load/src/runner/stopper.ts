/**
 * A stop signal with sleeps that end early when it fires: a run ends on time (or at its breaking step) without
 * waiting for every virtual user's think time to run out.
 */
export class Stopper {
  private fired = false;
  private readonly wakers = new Set<() => void>();

  get stopped(): boolean {
    return this.fired;
  }

  stop(): void {
    this.fired = true;
    for (const wake of this.wakers) wake();
    this.wakers.clear();
  }

  /** Resolves after `ms`, or at once when stopped (then or meanwhile). */
  sleep(ms: number): Promise<void> {
    if (this.fired) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }
}
