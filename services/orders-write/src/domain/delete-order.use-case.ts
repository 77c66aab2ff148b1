import { AppError, notFound } from '@store/service-kit/errors';
import { undoOrders } from './delete-orders';
import type { UnitOfWork } from './ports';

export interface DeleteDeps {
  db: UnitOfWork;
  now: () => Date;
  onCommitted?: () => void;
}

/** DELETE /orders/:id — the order row is locked first, so two concurrent deletes give back stock once. */
export async function deleteOrder(deps: DeleteDeps, orderId: number): Promise<void> {
  await deps.db.transaction(async (repositories) => {
    const order = await repositories.orders.findById(orderId, { lock: true });
    if (!order) throw notFound('order', orderId);
    const user = await repositories.users.findById(order.userId);
    if (!user) throw new AppError('INTERNAL', `order ${orderId} has no user`);
    await undoOrders(repositories, [order], user.name, deps.now());
  });
  deps.onCommitted?.();
}
