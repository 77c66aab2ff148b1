/*
 * One HTTP exchange as the smoke checks judge it: the status and the body, parsed when it is JSON. Asking never
 * throws: a refused connection or a timeout is an answer with status 0 and the reason as its body, so a failed
 * check can always say what came back.
 */
export interface Answer {
  status: number;
  body: string;
  json?: unknown;
}

export type Http = (url: string, init?: RequestInit) => Promise<Answer>;

const REQUEST_TIMEOUT_MS = 10_000;

export const httpWithFetch: Http = async (url, init) => {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = await response.text();
    return { status: response.status, body, json: parseJson(body) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { status: 0, body: `no answer: ${cause ?? (error as Error).message}` };
  }
};

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The answer in one line for a failure report: the status and the start of the body. */
export function describe(answer: Answer, limit = 300): string {
  const body = answer.body.replace(/\s+/g, ' ').trim();
  const shown = body.length > limit ? `${body.slice(0, limit)}…` : body;
  return answer.status === 0 ? shown : `HTTP ${answer.status}: ${shown || '(empty body)'}`;
}
