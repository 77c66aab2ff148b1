import type { OrderData, StoreEventType } from '@store/contracts';

/*
 * What the use cases need from the database; data-access implements these, the domain never sees MikroORM or
 * mysql2. Records are plain objects. Money is DECIMAL text here (as the columns hold it); the domain converts
 * it to cents. Constraint hits arrive as the errors of ./errors.
 */

export interface UserRecord {
  id: number;
  name: string;
  email: string;
}

export interface ProductRecord {
  id: number;
  name: string;
  sku: string;
  /** DECIMAL as text */
  price: string;
}

export interface StockLevel {
  productId: number;
  quantity: number;
}

export interface StockOverviewRow {
  product_id: number;
  name: string;
  sku: string;
  /** DECIMAL as text */
  price: string;
  quantity: number;
}

export interface OrderItemRecord {
  productId: number;
  quantity: number;
  /** DECIMAL as text */
  unitPrice: string;
}

export interface NewOrder {
  userId: number;
  /** DECIMAL as text */
  totalAmount: string;
  createdAt: Date;
  items: OrderItemRecord[];
}

export interface OrderRecord extends NewOrder {
  id: number;
}

/** A response kept under an Idempotency-Key. */
export interface StoredResponse {
  requestHash: string;
  statusCode: number;
  body: unknown;
}

export interface PendingEvent {
  type: StoreEventType;
  data: OrderData;
}

export interface Users {
  /** Throws EmailTakenError when the address is taken. */
  insert(name: string, email: string): Promise<UserRecord>;
  findById(id: number, options?: { lock?: boolean }): Promise<UserRecord | null>;
  delete(id: number): Promise<boolean>;
}

export interface Products {
  insert(name: string, sku: string, price: string): Promise<ProductRecord>;
  findById(id: number): Promise<ProductRecord | null>;
  /** One query for all ids: the lookup every order uses. */
  findMany(ids: number[]): Promise<ProductRecord[]>;
  /** One query per id (the N+1 anti-pattern, for the lab's PRODUCT_LOOKUP experiment). */
  findOneByOne(ids: number[]): Promise<ProductRecord[]>;
  isUsedInOrders(id: number): Promise<boolean>;
  /** Throws ProductInUseError when order items refer to it. */
  delete(id: number): Promise<boolean>;
}

export interface Stocks {
  set(productId: number, quantity: number): Promise<void>;
  get(productId: number): Promise<StockLevel | null>;
  overview(): Promise<StockOverviewRow[]>;
  /** Locks the rows in product id order until the transaction ends; product id → units, for rows that exist. */
  lockLevels(productIds: number[]): Promise<Map<number, number>>;
  /** Adds a delta per product (negative takes stock, positive gives it back). */
  adjust(deltas: Map<number, number>): Promise<void>;
}

export interface Orders {
  /** Returns the new id; throws MissingReferenceError when the user or a product is gone. */
  insert(order: NewOrder): Promise<number>;
  findById(id: number, options?: { lock?: boolean }): Promise<OrderRecord | null>;
  /** Newest first, ids below `after`. */
  list(filter: { userId?: number; after?: number; limit: number }): Promise<OrderRecord[]>;
  lockAllOfUser(userId: number): Promise<OrderRecord[]>;
  delete(ids: number[]): Promise<number>;
}

export interface IdempotencyKeys {
  find(key: string): Promise<StoredResponse | null>;
  /** Throws IdempotencyKeyTakenError when a concurrent request with the same key committed first. */
  save(key: string, response: StoredResponse, now: Date): Promise<void>;
}

export interface Outbox {
  /** Appends events in the caller's transaction: they exist if and only if it commits. */
  append(events: PendingEvent[], now: Date): Promise<void>;
}

/** The stores of one unit of work, all in the same transaction when there is one. */
export interface Repositories {
  users: Users;
  products: Products;
  stocks: Stocks;
  orders: Orders;
  idempotency: IdempotencyKeys;
  outbox: Outbox;
}

export interface UnitOfWork {
  read<T>(work: (repositories: Repositories) => Promise<T>): Promise<T>;
  /** One transaction: committed when `work` resolves, rolled back when it throws (and retried on a deadlock). */
  transaction<T>(work: (repositories: Repositories) => Promise<T>): Promise<T>;
}
