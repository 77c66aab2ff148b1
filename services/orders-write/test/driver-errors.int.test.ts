import { randomUUID } from 'node:crypto';
import { DeadlockException } from '@mikro-orm/core';
import {
  EmailTakenError,
  IdempotencyKeyTakenError,
  MissingReferenceError,
  ProductInUseError,
} from '../src/domain/errors';
import { placeOrder } from '../src/domain/place-order.use-case';
import type { UnitOfWork } from '../src/domain/ports';
import { count, createProduct, createUser, stockOf, useServiceAndSql } from './helpers';

/*
 * data-access turns what MariaDB refuses (a duplicate key, a foreign key) into the domain's errors, so the use
 * cases never see a driver exception. Each case makes the real database refuse a real statement.
 */
const t = useServiceAndSql();

describe('Driver errors as domain errors', () => {
  it('When a transaction keeps losing to deadlocks, then it is run again a few times and then answers 503', async () => {
    let runs = 0;
    const alwaysDeadlocked = t.app.service.db.transaction(async (r) => {
      runs += 1;
      await r.users.findById(1);
      throw new DeadlockException(new Error('Deadlock found when trying to get lock'));
    });
    await expect(alwaysDeadlocked).rejects.toMatchObject({ code: 'UNAVAILABLE', status: 503 });
    expect(runs).toBe(4);
  });

  it('When an e-mail is inserted twice, then the second insert throws EmailTakenError', async () => {
    const user = await createUser(t.app.api);
    const insertAgain = t.app.service.db.transaction((r) => r.users.insert('Again', user.email));
    await expect(insertAgain).rejects.toBeInstanceOf(EmailTakenError);
  });

  it('When an Idempotency-Key is saved twice, then the second save throws IdempotencyKeyTakenError', async () => {
    const key = `driver-errors-${randomUUID()}`;
    const response = { requestHash: 'h', statusCode: 201, body: {} };
    await t.app.service.db.transaction((r) => r.idempotency.save(key, response, new Date()));
    const saveAgain = t.app.service.db.transaction((r) => r.idempotency.save(key, response, new Date()));
    await expect(saveAgain).rejects.toBeInstanceOf(IdempotencyKeyTakenError);
  });

  it('When a product that appears in an order is deleted, then the repository throws ProductInUseError', async () => {
    const user = await createUser(t.app.api);
    const productId = await createProduct(t.app.api, 2, 1);
    const placed = await t.app.api.post('/orders', {
      user_id: user.user_id,
      items: [{ product_id: productId, quantity: 1 }],
    });
    expect(placed.status).toBe(201);
    const remove = t.app.service.db.transaction((r) => r.products.delete(productId));
    await expect(remove).rejects.toBeInstanceOf(ProductInUseError);
  });

  it('When an order names a user that does not exist, then the insert throws MissingReferenceError', async () => {
    const insert = t.app.service.db.transaction((r) =>
      r.orders.insert({ userId: 2_000_000_000, totalAmount: '1.00', createdAt: new Date(), items: [] }),
    );
    await expect(insert).rejects.toBeInstanceOf(MissingReferenceError);
  });

  it('When the user is deleted between the order`s read and its insert, then 422 UNKNOWN_USER and nothing changes', async () => {
    const user = await createUser(t.app.api);
    const productId = await createProduct(t.app.api, 3, 5);
    const db = t.app.service.db;
    // The user is read without a lock; another session deletes it right after, before the order rows go in.
    const racing: UnitOfWork = {
      read: (work) => db.read(work),
      transaction: (work) =>
        db.transaction((repositories) => {
          const users = repositories.users;
          return work({
            ...repositories,
            users: {
              insert: (name, email) => users.insert(name, email),
              delete: (id) => users.delete(id),
              findById: async (id, options) => {
                const found = await users.findById(id, options);
                await t.sql.query('delete from users where id = ?', [id]);
                return found;
              },
            },
          });
        }),
    };
    const attempt = placeOrder(
      { db: racing, productLookup: 'batched', now: () => new Date() },
      { userId: user.user_id, items: [{ productId, quantity: 2 }] },
    );
    await expect(attempt).rejects.toMatchObject({
      code: 'UNKNOWN_USER',
      status: 422,
      message: 'the user or a product was deleted while the order was placed',
    });
    expect(await stockOf(t.app.api, productId)).toBe(5);
    expect(await count(t.sql, 'select count(*) from orders where user_id = ?', [user.user_id])).toBe(0);
  });
});
