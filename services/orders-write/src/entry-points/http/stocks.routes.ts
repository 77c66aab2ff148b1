import { Router } from 'express';
import { parseId, validate } from '@store/service-kit';
import type { Database } from '../../data-access/database';
import { getStock, setStock, stockOverview } from '../../domain/stock.use-case';
import { graphqlBody, setStockBody } from './schemas';
import { createStockGraphql } from './stock-graphql';

export function stocksRoutes(db: Database): Router {
  const router = Router();
  const graphql = createStockGraphql(db);
  router.post('/stocks', async (req, res) => {
    const body = validate(setStockBody, req.body, 'stock level');
    const stock = await setStock(db, body.product_id, body.quantity);
    res.status(201).location(`/stocks/${stock.product_id}`).json(stock);
  });
  // Registered before /stocks/:product_id so "reports" is never read as an id.
  router.get('/stocks/reports/overview-stocks', async (_req, res) => {
    res.json(await stockOverview(db));
  });
  router.post('/stocks/graphql-query', async (req, res) => {
    const body = validate(graphqlBody, req.body, 'GraphQL request');
    res.json(await graphql(body.query, body.variables ?? undefined, body.operationName ?? undefined));
  });
  router.get('/stocks/:product_id', async (req, res) => {
    res.json(await getStock(db, parseId(req.params.product_id, 'product_id')));
  });
  return router;
}
