import { BigIntType, EntitySchema, type OptionalProps } from '@mikro-orm/core';

/*
 * Entities map tables one to one with plain scalar foreign keys: use cases read and write in explicit batched
 * queries, so lazy relations (and the N+1 they invite) are left out on purpose. Money stays a DECIMAL string
 * here and becomes integer cents in the repositories.
 */

export interface UserRow {
  [OptionalProps]?: 'id';
  id: number;
  name: string;
  email: string;
}
export const User = new EntitySchema<UserRow>({
  name: 'User',
  tableName: 'users',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    name: { type: 'string', length: 100 },
    email: { type: 'string', length: 150, unique: true },
  },
});

export interface ProductRow {
  [OptionalProps]?: 'id';
  id: number;
  name: string;
  sku: string;
  price: string;
}
export const Product = new EntitySchema<ProductRow>({
  name: 'Product',
  tableName: 'products',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    name: { type: 'string', length: 150 },
    sku: { type: 'string', length: 64 },
    price: { type: 'decimal', precision: 10, scale: 2 },
  },
});

export interface StockRow {
  productId: number;
  quantity: number;
}
export const Stock = new EntitySchema<StockRow>({
  name: 'Stock',
  tableName: 'stocks',
  properties: {
    productId: { type: 'integer', primary: true, fieldName: 'product_id' },
    quantity: { type: 'integer' },
  },
});

export interface OrderRow {
  [OptionalProps]?: 'id';
  id: number;
  userId: number;
  totalAmount: string;
  createdAt: Date;
}
export const Order = new EntitySchema<OrderRow>({
  name: 'Order',
  tableName: 'orders',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    userId: { type: 'integer', fieldName: 'user_id' },
    totalAmount: { type: 'decimal', precision: 15, scale: 2, fieldName: 'total_amount' },
    createdAt: { type: 'datetime', length: 3, fieldName: 'created_at' },
  },
});

export interface OrderItemRow {
  [OptionalProps]?: 'id';
  id: number;
  orderId: number;
  productId: number;
  quantity: number;
  unitPrice: string;
}
export const OrderItem = new EntitySchema<OrderItemRow>({
  name: 'OrderItem',
  tableName: 'order_items',
  properties: {
    id: { type: 'integer', primary: true, autoincrement: true },
    orderId: { type: 'integer', fieldName: 'order_id' },
    productId: { type: 'integer', fieldName: 'product_id' },
    quantity: { type: 'integer' },
    unitPrice: { type: 'decimal', precision: 10, scale: 2, fieldName: 'unit_price' },
  },
});

/** The outbox is also the event log: rows are marked published, never deleted, so they can be replayed. */
export interface OutboxRow {
  [OptionalProps]?: 'sequence';
  sequence: number;
  eventId: string;
  type: string;
  version: number;
  payload: unknown;
  traceparent: string | null;
  createdAt: Date;
  publishedAt: Date | null;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
}
export const OutboxEntry = new EntitySchema<OutboxRow>({
  name: 'OutboxEntry',
  tableName: 'outbox',
  properties: {
    sequence: { type: new BigIntType('number'), primary: true, autoincrement: true },
    eventId: { type: 'string', length: 36, fieldName: 'event_id' },
    type: { type: 'string', length: 64 },
    version: { type: 'integer' },
    payload: { type: 'json' },
    traceparent: { type: 'string', length: 64, nullable: true },
    createdAt: { type: 'datetime', length: 3, fieldName: 'created_at' },
    publishedAt: { type: 'datetime', length: 3, nullable: true, fieldName: 'published_at' },
    attempts: { type: 'integer' },
    nextAttemptAt: { type: 'datetime', length: 3, nullable: true, fieldName: 'next_attempt_at' },
    lastError: { type: 'string', length: 500, nullable: true, fieldName: 'last_error' },
  },
});

export interface IdempotencyRow {
  key: string;
  requestHash: string;
  statusCode: number;
  responseBody: unknown;
  createdAt: Date;
}
export const IdempotencyRecord = new EntitySchema<IdempotencyRow>({
  name: 'IdempotencyRecord',
  tableName: 'idempotency_keys',
  properties: {
    key: { type: 'string', length: 128, primary: true, fieldName: 'idempotency_key' },
    requestHash: { type: 'string', length: 64, fieldName: 'request_hash' },
    statusCode: { type: 'integer', fieldName: 'status_code' },
    responseBody: { type: 'json', fieldName: 'response_body' },
    createdAt: { type: 'datetime', length: 3, fieldName: 'created_at' },
  },
});

export const entities = [User, Product, Stock, Order, OrderItem, OutboxEntry, IdempotencyRecord];
