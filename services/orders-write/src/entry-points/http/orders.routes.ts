import { Router } from 'express';
import { parseId, validate } from '@store/service-kit';
import type { Counter } from '@store/observability';
import { deleteOrder, type DeleteDeps } from '../../domain/delete-order.use-case';
import { getOrder, listOrders } from '../../domain/order-queries.use-case';
import type { PlaceOrderPort } from './order-placement';
import { createOrderBody, idempotencyKeyHeader, listOrdersQuery } from './schemas';

export interface OrdersRoutesDeps extends DeleteDeps {
  ordersTotal: Counter;
  /** Places an order, batched or one by one: the route does not know which (order-placement.ts). */
  placeOrder: PlaceOrderPort;
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
    const result = await deps.placeOrder(command);
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
