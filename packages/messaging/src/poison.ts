import type { Message } from 'amqplib';

/** Thrown by a parser for a message that can never be handled (not JSON, wrong shape): dead-letter it. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

const MAX_REASON_LENGTH = 500;

/** The reason written into the dead-letter header: short, one line, no message content. */
export function poisonReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const oneLine = text.replace(/\s+/g, ' ').trim() || 'unparseable message';
  return oneLine.length > MAX_REASON_LENGTH ? `${oneLine.slice(0, MAX_REASON_LENGTH - 1)}…` : oneLine;
}

/** The part of a zod schema the parser needs (kept structural so this package needs no zod of its own). */
export interface SafeParser<T> {
  safeParse(
    data: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
}

/** A consumer `parse` function: UTF-8 JSON validated by `schema`; anything else is a PoisonMessageError. */
export function jsonMessageParser<T>(schema: SafeParser<T>): (raw: Message) => T {
  return (raw) => {
    let data: unknown;
    try {
      data = JSON.parse(raw.content.toString('utf8'));
    } catch (error) {
      throw new PoisonMessageError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const result = schema.safeParse(data);
    if (result.success) return result.data;
    const issues = result.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
    );
    throw new PoisonMessageError(`invalid message: ${issues.join('; ')}`);
  };
}
