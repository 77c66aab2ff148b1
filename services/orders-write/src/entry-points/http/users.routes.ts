import { Router } from 'express';
import { parseId, validate } from '@store/service-kit';
import type { DeleteDeps } from '../../domain/delete-order.use-case';
import { deleteUser } from '../../domain/delete-user.use-case';
import { createUser, getUser } from '../../domain/user.use-case';
import { createUserBody } from './schemas';

export function usersRoutes(deps: DeleteDeps): Router {
  const router = Router();
  router.post('/users', async (req, res) => {
    const body = validate(createUserBody, req.body, 'user');
    const user = await createUser(deps.db, body.name, body.email);
    res
      .status(201)
      .location(`/users/${user.id}`)
      .json({ user_id: user.id, name: user.name, email: user.email });
  });
  router.get('/users/:id', async (req, res) => {
    res.json(await getUser(deps.db, parseId(req.params.id)));
  });
  router.delete('/users/:id', async (req, res) => {
    const deletedOrders = await deleteUser(deps, parseId(req.params.id));
    res.json({ deleted: true, deleted_orders: deletedOrders });
  });
  return router;
}
