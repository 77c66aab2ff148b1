import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import { MissingReferenceError } from '../domain/errors';
import type { NewOrder, OrderRecord, Orders } from '../domain/ports';
import type { EntityManager } from './orm';
import { placeholders } from './sql';
import { Order, OrderItem, type OrderItemRow, type OrderRow } from './entities';

interface OrderHeaderRow {
  id: number;
  user_id: number;
  total_amount: string;
  created_at: Date;
}

export class OrderRepository implements Orders {
  constructor(private readonly em: EntityManager) {}

  /** The user and the products were read earlier in the transaction, unlocked: a concurrent delete may win. */
  async insert(order: NewOrder): Promise<number> {
    try {
      const id = await this.em.insert<OrderRow>(Order, {
        userId: order.userId,
        totalAmount: order.totalAmount,
        createdAt: order.createdAt,
      });
      await this.em.insertMany<OrderItemRow>(
        OrderItem,
        order.items.map((item) => ({ orderId: id, ...item })),
      );
      return id;
    } catch (error) {
      if (error instanceof ForeignKeyConstraintViolationException) {
        throw new MissingReferenceError(`user ${order.userId} or a product of the order is gone`);
      }
      throw error;
    }
  }

  async findById(id: number, options: { lock?: boolean } = {}): Promise<OrderRecord | null> {
    const [header] = await this.em.execute<OrderHeaderRow[]>(
      `select id, user_id, total_amount, created_at from orders where id = ?${options.lock ? ' for update' : ''}`,
      [id],
    );
    if (!header) return null;
    const [order] = await this.withItems([header]);
    return order ?? null;
  }

  /** Newest first, keyset paging on the id (stable under concurrent inserts, unlike OFFSET). */
  async list(filter: { userId?: number; after?: number; limit: number }): Promise<OrderRecord[]> {
    const where: string[] = [];
    const params: number[] = [];
    if (filter.userId !== undefined) {
      where.push('user_id = ?');
      params.push(filter.userId);
    }
    if (filter.after !== undefined) {
      where.push('id < ?');
      params.push(filter.after);
    }
    const headers = await this.em.execute<OrderHeaderRow[]>(
      `select id, user_id, total_amount, created_at from orders
       ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit ?`,
      [...params, filter.limit],
    );
    return this.withItems(headers);
  }

  /** The user's orders, locked, with their items: what deleting a user must undo. */
  async lockAllOfUser(userId: number): Promise<OrderRecord[]> {
    const headers = await this.em.execute<OrderHeaderRow[]>(
      'select id, user_id, total_amount, created_at from orders where user_id = ? order by id for update',
      [userId],
    );
    return this.withItems(headers);
  }

  async delete(ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.em.nativeDelete(Order, { id: { $in: ids } });
  }

  /** Items of many orders in one query. */
  private async withItems(headers: OrderHeaderRow[]): Promise<OrderRecord[]> {
    if (headers.length === 0) return [];
    const ids = headers.map((header) => header.id);
    const items = await this.em.execute<
      { order_id: number; product_id: number; quantity: number; unit_price: string }[]
    >(
      `select order_id, product_id, quantity, unit_price from order_items
       where order_id in (${placeholders(ids.length)}) order by id`,
      ids,
    );
    return headers.map((header) => ({
      id: header.id,
      userId: header.user_id,
      totalAmount: header.total_amount,
      createdAt: new Date(header.created_at),
      items: items
        .filter((item) => item.order_id === header.id)
        .map((item) => ({ productId: item.product_id, quantity: item.quantity, unitPrice: item.unit_price })),
    }));
  }
}
