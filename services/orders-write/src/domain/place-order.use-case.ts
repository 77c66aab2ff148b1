import { IdempotencyKeyTakenError, MissingReferenceError, refusalError, orderError } from './errors';
import { toCents } from './money';
import {
  findReplay,
  hashOrderRequest,
  type PlaceOrderCommand,
  type PlaceOrderResult,
} from './order-idempotency';
import { decideOrder, type OrderFacts, type OrderRequest, type ProductFacts } from './order-rules';
import { newOrderOf, orderDataOf, orderViewOf, type OrderView } from './order-view';
import type { Repositories, UnitOfWork } from './ports';

export type { PlaceOrderCommand, PlaceOrderResult } from './order-idempotency';

export type ProductLookup = 'batched' | 'n-plus-one';

export interface PlaceOrderDeps {
  db: UnitOfWork;
  productLookup: ProductLookup;
  now: () => Date;
  /** Called after the order committed (the relay publishes sooner than its next poll). */
  onCommitted?: () => void;
}

/**
 * One order in its own transaction (the path ORDER_BATCHING=off keeps): the facts are read with the stock rows
 * locked, the order rules decide, and the order rows, the stock, the OrderCreated outbox row and the
 * idempotency record are written together.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  command: PlaceOrderCommand,
): Promise<PlaceOrderResult> {
  const requestHash = hashOrderRequest(command);
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
    if (error instanceof MissingReferenceError) {
      throw orderError('UNKNOWN_USER', 'the user or a product was deleted while the order was placed');
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
  const facts = await readFacts(repositories, command, deps.productLookup);
  const decision = decideOrder(command, facts);
  if (!decision.accepted) throw refusalError(decision.refusal);

  const now = deps.now();
  const { draft, stockTaken } = decision;
  await repositories.stocks.adjust(new Map([...stockTaken].map(([id, units]) => [id, -units])));
  const orderId = await repositories.orders.insert(newOrderOf(draft, now));
  await repositories.outbox.append([{ type: 'OrderCreated', data: orderDataOf(orderId, draft) }], now);

  const view = orderViewOf(orderId, draft, now);
  if (command.idempotencyKey) {
    await repositories.idempotency.save(
      command.idempotencyKey,
      { requestHash, statusCode: 201, body: view },
      now,
    );
  }
  return view;
}

/**
 * What deciding this order needs, and no more: an unknown user needs no product lookup, an unknown product
 * no stock lock. The stock rows are locked (in product id order) until the transaction ends.
 */
async function readFacts(
  repositories: Repositories,
  request: OrderRequest,
  lookup: ProductLookup,
): Promise<OrderFacts> {
  const user = await repositories.users.findById(request.userId);
  if (!user) return { users: new Map(), products: new Map(), stock: new Map() };
  const products = await lookUpProducts(repositories, request, lookup);
  const ids = [...new Set(request.items.map((item) => item.productId))];
  const allKnown = ids.every((id) => products.has(id));
  const stock = allKnown ? await repositories.stocks.lockLevels(ids) : new Map<number, number>();
  return { users: new Map([[user.id, user.name]]), products, stock };
}

async function lookUpProducts(
  repositories: Repositories,
  request: OrderRequest,
  lookup: ProductLookup,
): Promise<Map<number, ProductFacts>> {
  const ids = request.items.map((item) => item.productId);
  const found =
    lookup === 'batched'
      ? await repositories.products.findMany([...new Set(ids)])
      : await repositories.products.findOneByOne(ids);
  return new Map(
    found.map((product) => [
      product.id,
      { id: product.id, name: product.name, priceCents: toCents(product.price) },
    ]),
  );
}
