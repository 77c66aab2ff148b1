import type { Express } from 'express';
import type { Logger, Registry } from '@store/observability';
import { createHttpApp, finishHttpApp, type ClientErrorBody, type ReadinessChecks } from '@store/service-kit';
import type { Database } from '../../data-access/database';
import type { OrderBatcher } from '../../domain/group-commit';
import type { ProductLookup } from '../../domain/place-order.use-case';
import type { WriteMetrics } from '../../metrics';
import { orderPlacement } from './order-placement';
import { ordersRoutes } from './orders.routes';
import { productsRoutes } from './products.routes';
import { stocksRoutes } from './stocks.routes';
import { usersRoutes } from './users.routes';

export interface HttpDeps {
  db: Database;
  logger: Logger;
  registry: Registry;
  metrics: WriteMetrics;
  readiness: ReadinessChecks;
  productLookup: ProductLookup;
  now: () => Date;
  onCommitted?: () => void;
  /** The group commit, when ORDER_BATCHING is on; else POST /orders uses the per-order path. */
  orderBatcher?: OrderBatcher;
}

export function createApp(deps: HttpDeps): Express {
  const app = createHttpApp({
    service: 'orders-write',
    logger: deps.logger,
    metrics: deps.registry,
    readiness: deps.readiness,
  });
  const writeDeps = { db: deps.db, now: deps.now, onCommitted: deps.onCommitted };
  app.use(usersRoutes(writeDeps));
  app.use(productsRoutes(deps.db));
  app.use(stocksRoutes(deps.db));
  app.use(
    ordersRoutes({
      ...writeDeps,
      ordersTotal: deps.metrics.ordersTotal,
      placeOrder: orderPlacement({ ...writeDeps, productLookup: deps.productLookup }, deps.orderBatcher),
    }),
  );
  finishHttpApp(app, deps.logger, deleteMissBody);
  return app;
}

/** The contract (docs/api/openapi.yaml): a delete of an unknown id answers {"deleted": false, ...} beside the usual error fields. */
const deleteMissBody: ClientErrorBody = (req, body) =>
  req.method === 'DELETE' && body.code === 'NOT_FOUND' ? { deleted: false, ...body } : body;
