/*
 * Set-up and tear-down talk to the API with fetch: a few hundred calls, where clarity beats speed. The gateway
 * limits writes per client address (429), so a refused call is retried after a pause instead of failing set-up.
 */
const RETRIES_ON_429 = 50;

export type Json = Record<string, unknown>;

export async function call(baseUrl: string, method: string, path: string, body?: unknown): Promise<Json> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status === 429 && attempt < RETRIES_ON_429) {
      await new Promise((resolve) => setTimeout(resolve, 50 + attempt * 20));
      continue;
    }
    if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as Json;
  }
}

export async function getJson(baseUrl: string, path: string): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`);
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
  return response.json();
}

/** Runs `work` over 0..count-1 with at most `limit` in flight, keeping the order of the results. */
export async function mapLimit<R>(
  count: number,
  limit: number,
  work: (index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(count);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < count; index = next++) results[index] = await work(index);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}
