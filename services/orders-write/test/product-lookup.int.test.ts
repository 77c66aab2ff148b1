import { createProduct, createUser, startTestService, type TestService } from './helpers';

/** Statements that read the products table: the lookup the lab's N+1 experiment is about. */
const isProductLookup = (sql: string): boolean => /^\s*select\b[\s\S]*\bfrom\s+`?products`?/i.test(sql);

async function productLookupsForOrderOf20Lines(
  mode: 'batched' | 'n-plus-one',
  batching: string,
): Promise<number> {
  let lookups = 0;
  let counting = false;
  const app: TestService = await startTestService(
    { PRODUCT_LOOKUP: mode, ORDER_BATCHING: batching },
    {
      onQuery: (sql) => {
        if (counting && isProductLookup(sql)) lookups++;
      },
    },
  );
  try {
    const user = await createUser(app.api);
    const products: number[] = [];
    for (let i = 0; i < 20; i++) products.push(await createProduct(app.api, 1 + i, 5));
    counting = true;
    const response = await app.api.post('/orders', {
      user_id: user.user_id,
      items: products.map((product_id) => ({ product_id, quantity: 1 })),
    });
    counting = false;
    expect(response.status).toBe(201);
    expect(response.body.total_amount).toBe(210);
    const metrics = await app.api.get('/metrics');
    expect(metrics.body).toMatch(/db_queries_total\{statement="select",service="orders-write"\} \d+/);
    // Which path placed it: the group commit observes its batch sizes, the per-order path none.
    const batches = /order_batch_size_count\{[^}]*\} (\d+)/.exec(metrics.body as string)?.[1];
    expect(Number(batches)).toBe(mode === 'batched' && batching === 'on' ? 1 : 0);
    return lookups;
  } finally {
    await app.stop();
  }
}

// The group commit counts each statement of its multi-statements, so the lookups are seen on both paths;
// n-plus-one always takes the per-order path (the experiment is about it).
describe.each(['on', 'off'])('PRODUCT_LOOKUP switch with ORDER_BATCHING=%s', (batching) => {
  it('When an order of 20 lines is placed in batched mode, then products are read in one query', async () => {
    expect(await productLookupsForOrderOf20Lines('batched', batching)).toBe(1);
  });

  it('When the same order is placed in n-plus-one mode, then products are read in 20 queries', async () => {
    expect(await productLookupsForOrderOf20Lines('n-plus-one', batching)).toBe(20);
  });
});
