import type { Answer } from './exchange';

/** What the scenario expects of an answer (schema.ts `expect`). */
export interface Expectation {
  status: number;
  body: 'array' | { field: string };
}

export type Verdict = 'ok' | 'status' | 'body';

/** A wrong status is counted as such even when the body is wrong too: the status says more. */
export function classify(answer: Answer, expect: Expectation): Verdict {
  if (answer.status !== expect.status) return 'status';
  if (expect.body === 'array') return answer.looksLikeArray ? 'ok' : 'body';
  return hasField(answer.text, expect.body.field) ? 'ok' : 'body';
}

export function hasField(text: string | undefined, field: string): boolean {
  if (text === undefined) return false;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && field in parsed;
  } catch {
    return false;
  }
}

/** Transport errors are told apart by their code (ECONNRESET, UND_ERR_HEADERS_TIMEOUT, …). */
export function transportErrorName(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
}
