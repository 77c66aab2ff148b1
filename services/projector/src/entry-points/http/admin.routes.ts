import express, { type Router } from 'express';
import { z } from 'zod';
import { validate } from '@store/service-kit';
import type { IdFilter } from '../../domain/ports';
import type { RebuildResult } from '../../domain/rebuild.use-case';
import type { ReconcileReport } from '../../domain/reconcile.use-case';

export interface AdminActions {
  rebuild(): Promise<RebuildResult>;
  reconcile(filter: IdFilter): Promise<ReconcileReport>;
}

const idList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'comma-separated positive integers')
  .transform((text) => text.split(',').map(Number))
  .optional();

const reconcileQuery = z.object({ user_ids: idList, product_ids: idList });

/** Operator routes on the projector's own port (never routed through the gateway). */
export function adminRouter(actions: AdminActions): Router {
  const router = express.Router();

  // Never refused for a rebuild that is running: it joins or waits for it (app.ts), `joined` says which.
  router.post('/admin/rebuild', async (_req, res) => {
    res.json(await actions.rebuild());
  });

  // ?user_ids=1,2&product_ids=3 narrows the check to those ids (a shared database has other writers).
  router.get('/admin/reconcile', async (req, res) => {
    const query = validate(reconcileQuery, req.query, 'query');
    const filter: IdFilter = {};
    if (query.user_ids) filter.userIds = query.user_ids;
    if (query.product_ids) filter.productIds = query.product_ids;
    res.json(await actions.reconcile(filter));
  });

  return router;
}
