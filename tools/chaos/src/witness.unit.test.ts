import { drillTotal, Witness } from './witness';

const created = (orderId: number, userId = 1, total = 12.5) => ({
  status: 201,
  text: JSON.stringify({ order_id: orderId, user_id: userId, total_amount: total, items: [] }),
});

describe('Witness', () => {
  it('When orders are answered 201, then each is acknowledged once and offered once to the deletion stream', () => {
    const witness = new Witness();
    witness.recordOrder(created(1));
    witness.recordOrder(created(2));
    witness.recordOrder({ status: 503, text: '{"code":"UNAVAILABLE"}' });
    witness.recordOrder({ error: 'UND_ERR_SOCKET' });
    witness.recordOrder({ status: 201, text: 'not json' });

    expect([...witness.created]).toEqual([
      [1, 1],
      [2, 1],
    ]);
    const taken = [witness.takeLiveOrder(() => 0), witness.takeLiveOrder(() => 0), witness.takeLiveOrder()];
    expect(taken).toEqual([1, 2, undefined]);
    expect(witness.tallies().before.orders).toEqual({
      requests: 5,
      failed: 3,
      reasons: { '503': 1, UND_ERR_SOCKET: 1, '201': 1 },
    });
  });

  it('When a deletion is answered 200 it is acknowledged; any other answer leaves it uncertain', () => {
    const witness = new Witness();
    witness.recordDeletion(1, { status: 200, text: '{"deleted":true}' });
    witness.recordDeletion(2, { status: 503 });
    witness.recordDeletion(3, { error: 'TimeoutError' });
    expect(witness.clientRecord()).toEqual({
      created: new Map(),
      deleted: new Map([[1, 1]]),
      uncertainDeletes: new Set([2, 3]),
    });
  });

  it('When the drill moves through its windows, then each answer counts in the window it came in', () => {
    const witness = new Witness();
    witness.beginDrill();
    witness.recordReport({ status: 200 });
    witness.enterWindow('fault');
    witness.recordReport({ status: 503 });
    witness.recordOrder({ status: 500 });
    witness.enterWindow('after');
    witness.recordReport({ status: 200 });

    const tallies = witness.tallies();
    expect(tallies.before.reports.requests).toBe(1);
    expect(tallies.fault.reports).toEqual({ requests: 1, failed: 1, reasons: { '503': 1 } });
    expect(tallies.fault.orders.reasons).toEqual({ '500': 1 });
    expect(drillTotal(tallies)).toEqual({ requests: 4, failed: 2, reasons: { '503': 1, '500': 1 } });
  });

  it('When deletions were acknowledged lately, then their spend per user is the report probe`s tolerance', () => {
    let now = 1_000_000;
    const witness = new Witness(() => now);
    witness.recordOrder(created(1, 2, 10));
    witness.recordOrder(created(2, 2, 5.25));
    witness.recordOrder(created(3, 3, 1999.99));
    witness.recordDeletion(1, { status: 200 });
    now += 20_000;
    witness.recordDeletion(2, { status: 200 });
    witness.recordDeletion(3, { status: 200 });

    expect(witness.recentlyDeletedSpend(10_000)).toEqual(
      new Map([
        [2, 525],
        [3, 199_999],
      ]),
    );
    expect(witness.largestOrderCents()).toBe(199_999);
  });
});
