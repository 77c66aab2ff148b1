import { createProduct, createUser, startTestService, type TestService } from './helpers';

/** Statements that read the products table: the lookup the lab's N+1 experiment is about. */
const isProductLookup = (sql: string): boolean => /^\s*select\b[\s\S]*\bfrom\s+`?products`?/i.test(sql);

async function productLookupsForOrderOf20Lines(mode: 'batched' | 'n-plus-one'): Promise<number> {
  let lookups = 0;
  let counting = false;
  const app: TestService = await startTestService(
    { PRODUCT_LOOKUP: mode },
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
    return lookups;
  } finally {
    await app.stop();
  }
}

describe('PRODUCT_LOOKUP switch', () => {
  it('When an order of 20 lines is placed in batched mode, then products are read in one query', async () => {
    expect(await productLookupsForOrderOf20Lines('batched')).toBe(1);
  });

  it('When the same order is placed in n-plus-one mode, then products are read in 20 queries', async () => {
    expect(await productLookupsForOrderOf20Lines('n-plus-one')).toBe(20);
  });
});
