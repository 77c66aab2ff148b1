import type { Scenario } from '../scenarios/schema';
import { call, mapLimit } from './api-client';
import type { Created } from './order-body';

/** Set-up's writes in flight at once: enough to be quick, few enough not to be the load itself. */
const SETUP_CONCURRENCY = 8;

/** A tag unique to this run, so its users, products and SKUs never collide with another run's. */
export const runTag = (): string => `run-${Date.now().toString(36)}-${process.pid.toString(36)}`;

/**
 * The scenario's set-up through the API: restock (so stock never runs out mid-run), then the users and products
 * its `created` id sources order from, each product with `createdStock` (priced `productCents`, else spread
 * over $1–$99).
 */
export async function runSetup(
  baseUrl: string,
  setup: Scenario['setup'],
  tag: string,
  productCents?: number,
): Promise<Created> {
  for (const productId of setup.restock?.productIds ?? []) {
    await call(baseUrl, 'POST', '/stocks', { product_id: productId, quantity: setup.restock!.quantity });
  }
  const users = await createUsers(baseUrl, setup.createUsers, tag);
  const products = await mapLimit(setup.createProducts, SETUP_CONCURRENCY, (i) =>
    createProduct(
      baseUrl,
      { name: `${tag} product ${i}`, sku: `${tag}-p${i}`, cents: productCents ?? 100 + ((i * 7919) % 9900) },
      setup.createdStock,
    ),
  );
  return { users, products };
}

export async function createUsers(
  baseUrl: string,
  count: number,
  tag: string,
  role = 'user',
): Promise<number[]> {
  return mapLimit(count, SETUP_CONCURRENCY, async (i) => {
    const user = await call(baseUrl, 'POST', '/users', {
      name: `${tag} ${role} ${i}`,
      email: `${tag}-${role}-${i}@runner.example`,
    });
    return user.user_id as number;
  });
}

export async function createProduct(
  baseUrl: string,
  product: { name: string; sku: string; cents: number },
  stock: number,
): Promise<number> {
  const created = await call(baseUrl, 'POST', '/products', {
    name: product.name,
    sku: product.sku,
    price: product.cents / 100,
  });
  const id = created.product_id as number;
  if (stock > 0) await call(baseUrl, 'POST', '/stocks', { product_id: id, quantity: stock });
  return id;
}
