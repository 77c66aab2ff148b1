import { createHash } from 'node:crypto';
import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { AppError } from '@store/service-kit';
import type { Database, Repositories } from '../data-access/database';
import { IdempotencyKeyTakenError } from '../data-access/idempotency.repository';
import type { OrderRecord } from '../data-access/order.repository';
import type { ProductRecord } from '../data-access/product.repository';
import { centsToDecimal, toCents } from './money';
import { toOrderData, toOrderView, unitsByProduct, type OrderView } from './order-view';

export type ProductLookup = 'batched' | 'n-plus-one';

export interface PlaceOrderCommand {
  userId: number;
  items: { productId: number; quantity: number }[];
  idempotencyKey?: string;
}

export interface PlaceOrderDeps {
  db: Database;
  productLookup: ProductLookup;
  now: () => Date;
  /** Called after the order committed (the relay publishes sooner than its next poll). */
  onCommitted?: () => void;
}

export interface PlaceOrderResult {
  status: number;
  order: OrderView;
  replayed: boolean;
}

/**
 * API.md "Rules of an order": one batched product lookup, exact cents, stock checked and taken under row locks
 * in the same transaction as the order rows, the OrderCreated outbox row and the idempotency record.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  command: PlaceOrderCommand,
): Promise<PlaceOrderResult> {
  const requestHash = hashRequest(command);
  const key = command.idempotencyKey;
  if (key) {
    const replay = await findReplay(deps.db, key, requestHash);
    if (replay) return replay;
  }
  try {
    const order = await deps.db.transaction((repositories) =>
      createOrder(deps, repositories, command, requestHash),
    );
    deps.onCommitted?.();
    return { status: 201, order, replayed: false };
  } catch (error) {
    // A concurrent request with the same key committed first; ours rolled back, so answer with its response.
    if (error instanceof IdempotencyKeyTakenError && key) {
      const replay = await findReplay(deps.db, key, requestHash);
      if (replay) return replay;
    }
    if (error instanceof ForeignKeyConstraintViolationException) {
      throw new AppError('UNKNOWN_USER', 'the user or a product was deleted while the order was placed');
    }
    throw error;
  }
}

async function createOrder(
  deps: PlaceOrderDeps,
  repositories: Repositories,
  command: PlaceOrderCommand,
  requestHash: string,
): Promise<OrderView> {
  const user = await repositories.users.findById(command.userId);
  if (!user) {
    throw new AppError('UNKNOWN_USER', `user ${command.userId} does not exist`, [
      { user_id: command.userId },
    ]);
  }
  const products = await lookUpProducts(deps.productLookup, repositories, command);
  const requested = unitsByProduct(command.items);
  await takeStock(repositories, requested);

  const now = deps.now();
  const items = command.items.map((item) => ({
    productId: item.productId,
    quantity: item.quantity,
    unitPrice: products.get(item.productId)!.price,
  }));
  const totalCents = items.reduce((sum, item) => sum + toCents(item.unitPrice) * item.quantity, 0);
  const draft = { userId: user.id, totalAmount: centsToDecimal(totalCents), createdAt: now, items };
  const record: OrderRecord = { id: await repositories.orders.insert(draft), ...draft };

  const productNames = new Map([...products.values()].map((product) => [product.id, product.name]));
  const data = toOrderData(record, user.name, productNames);
  await repositories.outbox.append([{ type: 'OrderCreated', data }], now);

  const view = toOrderView(record);
  if (command.idempotencyKey) {
    await repositories.idempotency.save(
      command.idempotencyKey,
      { requestHash, statusCode: 201, body: view },
      now,
    );
  }
  return view;
}

async function lookUpProducts(
  lookup: ProductLookup,
  repositories: Repositories,
  command: PlaceOrderCommand,
): Promise<Map<number, ProductRecord>> {
  const ids = [...new Set(command.items.map((item) => item.productId))];
  const found =
    lookup === 'batched'
      ? await repositories.products.findMany(ids)
      : await repositories.products.findOneByOne(command.items.map((item) => item.productId));
  const products = new Map(found.map((product) => [product.id, product]));
  const unknown = ids.filter((id) => !products.has(id));
  if (unknown.length > 0) {
    throw new AppError(
      'UNKNOWN_PRODUCT',
      `unknown product${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      unknown.map((product_id) => ({ product_id })),
    );
  }
  return products;
}

/** Locks the stock rows, refuses the whole order if any product is short, else takes the units. */
async function takeStock(repositories: Repositories, requested: Map<number, number>): Promise<void> {
  const levels = await repositories.stocks.lockLevels([...requested.keys()]);
  const shortages = [...requested]
    .map(([product_id, units]) => ({ product_id, requested: units, available: levels.get(product_id) ?? 0 }))
    .filter((line) => line.requested > line.available);
  if (shortages.length > 0) {
    throw new AppError('INSUFFICIENT_STOCK', 'not enough stock for this order', shortages);
  }
  await repositories.stocks.adjust(new Map([...requested].map(([id, units]) => [id, -units])));
}

async function findReplay(db: Database, key: string, requestHash: string): Promise<PlaceOrderResult | null> {
  const stored = await db.read((repositories) => repositories.idempotency.find(key));
  if (!stored) return null;
  if (stored.requestHash !== requestHash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request');
  }
  return { status: stored.statusCode, order: stored.body as OrderView, replayed: true };
}

function hashRequest(command: PlaceOrderCommand): string {
  const canonical = JSON.stringify({
    user_id: command.userId,
    items: command.items.map((i) => [i.productId, i.quantity]),
  });
  return createHash('sha256').update(canonical).digest('hex');
}
