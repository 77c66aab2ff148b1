/**
 * A small typed event hub shared by the connection, the publisher and the consumer.
 * `on` is for services (count acks, dead letters, retries in Prometheus); `waitFor` is for tests, which await
 * an effect instead of sleeping (the testjavascript `message-queue-client.js` idea).
 *
 * Not a Node EventEmitter on purpose: an EventEmitter throws when 'error' is emitted with no listener, and an
 * 'error' here is information about one message, never a reason to crash the process.
 */
export type Listener<I> = (info: I) => void;

export const DEFAULT_WAIT_TIMEOUT_MS = 10_000;

export class EventHub<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Whether anyone listens: lets a hot path skip building infos nobody reads. */
  listens(event: keyof Events): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  emit<K extends keyof Events>(event: K, info: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      // A failing listener (say, a metrics bug) must not break message handling or the other listeners.
      try {
        (listener as Listener<Events[K]>)(info);
      } catch {
        /* ignored: listeners are observers */
      }
    }
  }

  /**
   * Resolves with the first future `event` whose info matches `predicate`; rejects after `timeoutMs`.
   * Call it before triggering the action (or in the same tick), since past events are not replayed.
   */
  waitFor<K extends keyof Events>(
    event: K,
    predicate: (info: Events[K]) => boolean = () => true,
    timeoutMs = DEFAULT_WAIT_TIMEOUT_MS,
  ): Promise<Events[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for '${String(event)}'`));
      }, timeoutMs);
      timer.unref(); // a forgotten waitFor must not keep the process alive
      const off = this.on(event, (info) => {
        if (!predicate(info)) return;
        clearTimeout(timer);
        off();
        resolve(info);
      });
    });
  }
}
