import { Router } from 'express';
import { AppError, parseId, validate } from '@store/service-kit';
import { activeSpan, activeTraceparent, type Counter } from '@store/observability';
import { deleteOrder, type DeleteDeps } from '../../domain/delete-order.use-case';
import { orderError } from '../../domain/errors';
import type { OrderBatcher } from '../../domain/group-commit';
import { getOrder, listOrders } from '../../domain/order-queries.use-case';
import {
  placeOrder,
  type PlaceOrderCommand,
  type PlaceOrderDeps,
  type PlaceOrderResult,
} from '../../domain/place-order.use-case';
import { BATCH_SIZE_ATTRIBUTE } from '../../data-access/order-batch.telemetry';
import { createOrderBody, idempotencyKeyHeader, listOrdersQuery } from './schemas';

export interface OrdersRoutesDeps extends PlaceOrderDeps, DeleteDeps {
  ordersTotal: Counter;
  /** Set when ORDER_BATCHING is on (and PRODUCT_LOOKUP batched): orders go through the group commit. */
  orderBatcher?: OrderBatcher;
}

/** Through the group commit: the order waits in the queue, then gets its own answer after its batch's COMMIT. */
async function placeInBatch(batcher: OrderBatcher, command: PlaceOrderCommand): Promise<PlaceOrderResult> {
  // Captured now, in the request's context: the batch runs in a trace of its own.
  const { answer, batchSize } = await batcher.place(command, activeTraceparent() ?? null);
  activeSpan()?.setAttribute(BATCH_SIZE_ATTRIBUTE, batchSize);
  if (!answer.placed) {
    const { code, message, details } = answer.refusal;
    throw code === 'UNAVAILABLE' ? new AppError(code, message, details) : orderError(code, message, details);
  }
  return answer;
}

export function ordersRoutes(deps: OrdersRoutesDeps): Router {
  const router = Router();
  router.post('/orders', async (req, res) => {
    deps.ordersTotal.inc();
    const idempotencyKey = validate(
      idempotencyKeyHeader,
      req.get('idempotency-key'),
      'Idempotency-Key header',
    );
    const body = validate(createOrderBody, req.body, 'order');
    const command = {
      userId: body.user_id,
      items: body.items.map((item) => ({ productId: item.product_id, quantity: item.quantity })),
      idempotencyKey,
    };
    const result = deps.orderBatcher
      ? await placeInBatch(deps.orderBatcher, command)
      : await placeOrder(deps, command);
    if (result.replayed) res.set('Idempotent-Replayed', 'true');
    res.status(result.status).location(`/orders/${result.order.order_id}`).json(result.order);
  });
  router.get('/orders', async (req, res) => {
    const query = validate(listOrdersQuery, req.query, 'query');
    res.json(await listOrders(deps.db, { userId: query.user_id, after: query.after, limit: query.limit }));
  });
  router.get('/orders/:id', async (req, res) => {
    res.json(await getOrder(deps.db, parseId(req.params.id)));
  });
  router.delete('/orders/:id', async (req, res) => {
    await deleteOrder(deps, parseId(req.params.id));
    res.json({ deleted: true });
  });
  return router;
}
