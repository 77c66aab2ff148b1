/** Concurrent callers in one process share one promise per key instead of each doing the work. */
export class SingleFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  current(key: string): Promise<T> | undefined {
    return this.running.get(key);
  }

  run(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.running.get(key);
    if (existing) return existing;
    const promise = work().finally(() => this.running.delete(key));
    this.running.set(key, promise);
    return promise;
  }
}
