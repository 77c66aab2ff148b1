import { planBatch, type QueuedOrder } from './group-commit-plan';
import type { BatchFacts } from './group-commit.ports';

const now = new Date('2026-01-02T03:04:05.678Z');
let nextEvent = 0;
const context = { now, newEventId: () => `event-${nextEvent++}` };

const facts = (stock: number, stored: BatchFacts['storedAnswers'] = new Map()): BatchFacts => ({
  users: new Map([[1, 'Ada']]),
  products: new Map([[7, { id: 7, name: 'Widget', priceCents: 250 }]]),
  stock: new Map([[7, stock]]),
  storedAnswers: stored,
});

const order = (quantity: number, key?: string, userId = 1): QueuedOrder => ({
  command: { userId, items: [{ productId: 7, quantity }], ...(key ? { idempotencyKey: key } : {}) },
  requestHash: `hash-${userId}-${quantity}`,
  traceparent: null,
});

describe('planBatch', () => {
  it('When orders are decided in turn, then a short one is refused alone and the stock taken is their sum', () => {
    const plan = planBatch([order(2), order(5), order(1), order(9, undefined, 2)], facts(4), context);
    expect(plan.writes.orders).toHaveLength(2);
    expect(plan.writes.stockTaken).toEqual(new Map([[7, 3]]));
    const answers = plan.answer([101, 102]);
    expect(answers.map((answer) => answer?.placed)).toEqual([true, false, true, false]);
    expect(answers[0]).toMatchObject({ status: 201, order: { order_id: 101, total_amount: 5 } });
    expect(answers[1]).toMatchObject({ refusal: { code: 'INSUFFICIENT_STOCK' } });
    expect(answers[3]).toMatchObject({ refusal: { code: 'UNKNOWN_USER' } });
    expect(plan.writes.orders[1]!.payload).toMatchObject({ order_id: 0, total_cents: 250, user_name: 'Ada' });
  });

  it('When a key repeats in a batch, then it is written once, the same body follows it and another is refused', () => {
    const plan = planBatch([order(1, 'k'), order(1, 'k'), order(2, 'k')], facts(10), context);
    expect(plan.writes.orders).toHaveLength(1);
    expect(plan.writes.orders[0]!.idempotency).toEqual({ key: 'k', requestHash: 'hash-1-1' });
    const [first, same, other] = plan.answer([55]);
    expect(first).toMatchObject({ placed: true, replayed: false, order: { order_id: 55 } });
    expect(same).toMatchObject({ placed: true, replayed: true, order: { order_id: 55 } });
    expect(other).toMatchObject({ placed: false, refusal: { code: 'IDEMPOTENCY_KEY_REUSED' } });
  });

  it('When the first request with a key is refused, then the later ones with it are deferred, not answered', () => {
    const plan = planBatch([order(20, 'k'), order(1, 'k')], facts(10), context);
    expect(plan.writes.orders).toHaveLength(0);
    expect(plan.deferred).toEqual([1]);
    expect(plan.answer([])[1]).toBeUndefined();
  });

  it('When a key was stored before, then the same request is replayed and another is refused, writing nothing', () => {
    const body = { order_id: 9, user_id: 1, total_amount: 2.5, items: [], created_at: now.toISOString() };
    const stored = new Map([['k', { requestHash: 'hash-1-1', statusCode: 201, body }]]);
    const plan = planBatch([order(1, 'k'), order(3, 'k')], facts(10, stored), context);
    expect(plan.writes.orders).toHaveLength(0);
    expect(plan.answer([])).toEqual([
      { placed: true, status: 201, order: body, replayed: true },
      expect.objectContaining({
        placed: false,
        refusal: expect.objectContaining({ code: 'IDEMPOTENCY_KEY_REUSED' }),
      }),
    ]);
  });
});
