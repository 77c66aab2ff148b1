import { notFound } from '@store/service-kit/errors';
import type { DeleteDeps } from './delete-order.use-case';
import { undoOrders } from './delete-orders';

/** DELETE /users/:id — the user's orders are deleted the same way as one by one, in one transaction. */
export async function deleteUser(deps: DeleteDeps, userId: number): Promise<number> {
  const deletedOrders = await deps.db.transaction(async (repositories) => {
    const user = await repositories.users.findById(userId, { lock: true });
    if (!user) throw notFound('user', userId);
    const orders = await repositories.orders.lockAllOfUser(userId);
    await undoOrders(repositories, orders, user.name, deps.now());
    await repositories.users.delete(userId);
    return orders.length;
  });
  if (deletedOrders > 0) deps.onCommitted?.();
  return deletedOrders;
}
