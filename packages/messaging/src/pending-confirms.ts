import { PublishError } from './publish-types';

interface Entry {
  messageId: string;
  resolve: () => void;
  reject: (error: PublishError) => void;
  timer: NodeJS.Timeout;
}

/**
 * The publisher's book of messages sent but not yet confirmed. Every entry ends exactly once: confirmed,
 * failed (nack, return, channel loss) or timed out; whatever comes later for it is ignored. The timeout is
 * what keeps a caller from hanging forever when a confirm never comes (blocked connection, half-open socket).
 */
export class PendingConfirms {
  private nextId = 1;
  private readonly entries = new Map<number, Entry>();

  constructor(private readonly timeoutMs: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** Opens an entry; `settled` resolves on confirm and rejects with a PublishError otherwise. */
  track(messageId: string): { id: number; settled: Promise<void> } {
    const id = this.nextId++;
    const settled = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          id,
          new PublishError(
            'timeout',
            messageId,
            `no publisher confirm within ${this.timeoutMs} ms for ${messageId}`,
          ),
        );
      }, this.timeoutMs);
      this.entries.set(id, { messageId, resolve, reject, timer });
    });
    return { id, settled };
  }

  /** Returns false when the entry had already ended (e.g. returned or timed out before its ack arrived). */
  confirm(id: number): boolean {
    const entry = this.take(id);
    entry?.resolve();
    return entry !== undefined;
  }

  fail(id: number, error: PublishError): boolean {
    const entry = this.take(id);
    entry?.reject(error);
    return entry !== undefined;
  }

  /**
   * basic.return carries no delivery tag, only the message's properties, so the returned message is found
   * by its messageId; returns arrive in publish order, hence the oldest open entry with that id is the one.
   */
  failByMessageId(messageId: string, error: PublishError): boolean {
    for (const [id, entry] of this.entries) {
      if (entry.messageId === messageId) return this.fail(id, error);
    }
    return false;
  }

  failAll(errorFor: (messageId: string) => PublishError): void {
    for (const [id, entry] of [...this.entries]) this.fail(id, errorFor(entry.messageId));
  }

  private take(id: number): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.entries.delete(id);
    return entry;
  }
}
