import { DeadlockException, IsolationLevel, LockWaitTimeoutException } from '@mikro-orm/core';
import { AppError } from '@store/service-kit/errors';
import type { UnitOfWork } from '../domain/ports';
import type { EntityManager, MikroORM } from './orm';
import { IdempotencyRepository } from './idempotency.repository';
import { OrderRepository } from './order.repository';
import { ProductRepository } from './product.repository';
import { StockRepository } from './stock.repository';
import { UserRepository } from './user.repository';
import { OutboxRepository } from '../messaging/outbox.repository';
import { isDatabaseUnavailable } from './unavailable';

/**
 * The repositories of one unit of work, all bound to the same EntityManager (and transaction, if any): the
 * domain's ports, plus what the outbox relay uses beyond them.
 */
export interface Repositories {
  users: UserRepository;
  products: ProductRepository;
  stocks: StockRepository;
  orders: OrderRepository;
  idempotency: IdempotencyRepository;
  outbox: OutboxRepository;
}

const bind = (em: EntityManager): Repositories => ({
  users: new UserRepository(em),
  products: new ProductRepository(em),
  stocks: new StockRepository(em),
  orders: new OrderRepository(em),
  idempotency: new IdempotencyRepository(em),
  outbox: new OutboxRepository(em),
});

const MAX_ATTEMPTS = 4;

/** A database that cannot be reached is the API's 503 UNAVAILABLE (retry later), never a 500. */
function unavailableOr(error: unknown): unknown {
  if (!isDatabaseUnavailable(error)) return error;
  return new AppError('UNAVAILABLE', 'the database is unavailable; try again', undefined, { cause: error });
}

/**
 * Units of work for the use cases: `read` forks a fresh EntityManager, `transaction` runs the callback in one
 * database transaction. InnoDB may pick a transaction as a deadlock victim under concurrency; such a transaction
 * changed nothing, so it is simply run again (a bounded number of times).
 */
export class Database implements UnitOfWork {
  constructor(private readonly orm: MikroORM) {}

  async read<T>(work: (repositories: Repositories) => Promise<T>): Promise<T> {
    try {
      return await work(bind(this.orm.em.fork()));
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  /**
   * `readCommitted` is for the relay: its claim (`FOR UPDATE SKIP LOCKED` over the unpublished rows) is held while
   * the broker confirms, and under REPEATABLE READ it would also lock the gap after the last row, so every order's
   * outbox INSERT waited for the relay's publish. READ COMMITTED locks only the rows it claims.
   */
  async transaction<T>(
    work: (repositories: Repositories) => Promise<T>,
    { readCommitted = false } = {},
  ): Promise<T> {
    const options = readCommitted ? { isolationLevel: IsolationLevel.READ_COMMITTED } : {};
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.orm.em.fork().transactional((em) => work(bind(em)), options);
      } catch (error) {
        const retriable = error instanceof DeadlockException || error instanceof LockWaitTimeoutException;
        // A connection lost during COMMIT leaves the outcome unknown: answered 503, never run again.
        if (!retriable) throw unavailableOr(error);
        // Still losing after several runs: the database is too busy for this request now, not broken by it.
        if (attempt >= MAX_ATTEMPTS) {
          throw new AppError('UNAVAILABLE', 'the database is busy (lock conflicts); try again', undefined, {
            cause: error,
          });
        }
      }
    }
  }

  async ping(): Promise<void> {
    await this.orm.em.getConnection().execute('select 1');
  }
}
