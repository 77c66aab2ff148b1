import type { Pool, RowDataPacket } from 'mysql2/promise';

/** Enough that no order of a benchmark is refused for stock (and far from the INT limit). */
export const LARGE_STOCK = 1_000_000_000;

export interface Fixtures {
  productIds: number[];
  userIds: number[];
}

async function post(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status !== 201)
    throw new Error(`POST ${url}${path} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer;
}

/** Runs `work` over the items with at most `limit` in flight, keeping the order of the results. */
async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The uniform mix's catalogue, created through the target's own API (so the rows are what the service would
 * write): products with a large stock, and users. Names carry the run's tag, so runs never collide.
 */
export async function createFixtures(
  url: string,
  counts: { products: number; users: number },
): Promise<Fixtures> {
  const tag = `bench-${Date.now().toString(36)}`;
  const indexes = (count: number) => Array.from({ length: count }, (_, i) => i + 1);
  const productIds = await mapLimit(indexes(counts.products), 16, async (i) => {
    const price = (100 + ((i * 7919) % 9900)) / 100; // 1.00 .. 99.99, spread over the catalogue
    const product = await post(url, '/products', { name: `${tag} product ${i}`, sku: `${tag}-${i}`, price });
    await post(url, '/stocks', { product_id: product.product_id, quantity: LARGE_STOCK });
    return product.product_id as number;
  });
  const userIds = await mapLimit(indexes(counts.users), 16, async (i) => {
    const user = await post(url, '/users', { name: `${tag} user ${i}`, email: `${tag}-${i}@bench.example` });
    return user.user_id as number;
  });
  return { productIds, userIds };
}

export async function restock(url: string, productIds: readonly number[]): Promise<void> {
  for (const product_id of productIds) await post(url, '/stocks', { product_id, quantity: LARGE_STOCK });
}

/**
 * Waits (bounded) until the relay has published every outbox row, polling: a benchmark watches a running stack
 * from outside, so there is no hook to await. Returns how long it took.
 */
export async function waitForOutboxDrained(
  pool: Pool,
  timeoutMs: number,
): Promise<{ drained: boolean; seconds: number }> {
  const started = performance.now();
  for (;;) {
    const [[row]] = await pool.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS pending FROM outbox WHERE published_at IS NULL',
    );
    const seconds = (performance.now() - started) / 1000;
    if (Number(row?.pending) === 0) return { drained: true, seconds };
    if (seconds * 1000 >= timeoutMs) return { drained: false, seconds };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
