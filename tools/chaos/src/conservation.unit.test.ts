import {
  checkConservation,
  findingId,
  newFindings,
  rankTotals,
  type ClientRecord,
  type LoggedEvent,
  type StoreView,
  type Verdict,
} from './conservation';

/*
 * A small consistent world (what clients saw, MySQL, the log, the projection and the reports all agree), then one
 * defect planted at a time: the checker must name exactly that defect, and nothing in the clean world.
 */
interface PlannedOrder {
  id: number;
  user: number;
  lines: [product: number, quantity: number, unitCents: number][];
  deleted?: boolean;
}

const ORDERS: PlannedOrder[] = [
  { id: 1, user: 1, lines: [[1, 2, 199_999]] },
  {
    id: 2,
    user: 2,
    lines: [
      [2, 1, 5950],
      [3, 4, 575],
    ],
  },
  { id: 3, user: 1, lines: [[4, 1, 29_975]], deleted: true },
  {
    id: 4,
    user: 3,
    lines: [
      [1, 1, 199_999],
      [2, 3, 5950],
    ],
  },
  { id: 5, user: 2, lines: [[3, 5, 575]] },
];

const totalOf = (order: PlannedOrder) =>
  order.lines.reduce((sum, [, quantity, unit]) => sum + quantity * unit, 0);

let uuidCounter = 0;
const event = (type: 'OrderCreated' | 'OrderDeleted', order: PlannedOrder): LoggedEvent => ({
  sequence: ++uuidCounter,
  eventId: `00000000-0000-4000-8000-${String(uuidCounter).padStart(12, '0')}`,
  type,
  published: true,
  order: {
    orderId: order.id,
    userId: order.user,
    totalCents: totalOf(order),
    lines: order.lines.map(([productId, quantity]) => ({ productId, quantity })),
  },
});

function totalsOf(orders: PlannedOrder[]) {
  const spendByUser = new Map<number, number>();
  const unitsByProduct = new Map<number, number>();
  for (const order of orders) {
    spendByUser.set(order.user, (spendByUser.get(order.user) ?? 0) + totalOf(order));
    for (const [product, quantity] of order.lines)
      unitsByProduct.set(product, (unitsByProduct.get(product) ?? 0) + quantity);
  }
  return { spendByUser, unitsByProduct };
}

function cleanWorld(orders = ORDERS): { client: ClientRecord; store: StoreView } {
  uuidCounter = 0;
  const live = orders.filter((order) => !order.deleted);
  const events = [
    ...orders.map((order) => event('OrderCreated', order)),
    ...orders.filter((order) => order.deleted).map((order) => event('OrderDeleted', order)),
  ];
  const mysql = totalsOf(live);
  return {
    client: {
      created: new Map(orders.map((order) => [order.id, 1])),
      deleted: new Map(orders.filter((order) => order.deleted).map((order) => [order.id, 1])),
      uncertainDeletes: new Set(),
    },
    store: {
      ordersInMysql: new Set(live.map((order) => order.id)),
      mysql,
      events,
      projection: {
        version: 2,
        complete: true,
        rebuilding: false,
        appliedEventIds: new Set(events.map((e) => e.eventId)),
        appliedCount: events.length,
        spendByUser: new Map(mysql.spendByUser),
        unitsByProduct: new Map(mysql.unitsByProduct),
      },
      reports: {
        highestSpenders: { entries: rankTotals(mysql.spendByUser, 10) },
        bestSellers: { entries: rankTotals(mysql.unitsByProduct, 10) },
      },
      reportLimit: 10,
    },
  };
}

const keys = (verdict: Verdict) => ({
  lost: verdict.lost.map((f) => `${f.where} ${f.key}`),
  duplicated: verdict.duplicated.map((f) => `${f.where} ${f.key}`),
  unexpected: verdict.unexpected.map((f) => `${f.where} ${f.key}`),
  drift: verdict.drift.map((f) => `${f.where} ${f.key}`),
});
const none = { lost: [], duplicated: [], unexpected: [], drift: [] };

describe('checkConservation', () => {
  it('When every view agrees, then nothing is lost, duplicated, unexpected or drifting', () => {
    const { client, store } = cleanWorld();
    const verdict = checkConservation(client, store);
    expect(keys(verdict)).toEqual(none);
    expect(verdict.counted).toEqual({ acknowledged: 5, deleted: 1, inMysql: 4, events: 6, applied: 6 });
  });

  it('When an acknowledged order is nowhere (planted lost order), then it is reported lost, and only it', () => {
    const { client, store } = cleanWorld();
    (client.created as Map<number, number>).set(99, 1);
    expect(keys(checkConservation(client, store))).toEqual({ ...none, lost: ['mysql order:99'] });
  });

  it('When an order is in MySQL but its event never reached the projection, then that event is lost and the totals drift', () => {
    const { client, store } = cleanWorld();
    const missing = store.events.find((e) => e.order?.orderId === 4 && e.type === 'OrderCreated')!;
    (store.projection.appliedEventIds as Set<string>).delete(missing.eventId);
    store.projection = {
      ...store.projection,
      appliedCount: store.projection.appliedCount - 1,
      spendByUser: totalsOf(ORDERS.filter((o) => !o.deleted && o.id !== 4)).spendByUser,
      unitsByProduct: totalsOf(ORDERS.filter((o) => !o.deleted && o.id !== 4)).unitsByProduct,
    };

    const verdict = keys(checkConservation(client, store));

    expect(verdict.lost).toEqual([`projection event:${missing.eventId}`]);
    expect(verdict.drift).toEqual(['projection user:3', 'projection product:1', 'projection product:2']);
    expect(verdict.duplicated).toEqual([]);
  });

  it('When an order was committed but its OrderCreated is missing from the log, then the event is lost', () => {
    const { client, store } = cleanWorld();
    store.events = store.events.filter((e) => !(e.order?.orderId === 2 && e.type === 'OrderCreated'));
    const verdict = keys(checkConservation(client, store));
    expect(verdict.lost).toEqual(['event-log created:2']);
    expect(verdict.drift).toEqual(['event-log user:2', 'event-log product:2', 'event-log product:3']);
  });

  it('When an event is applied twice (planted duplicate), then the duplicate and the drift it causes are reported', () => {
    const { client, store } = cleanWorld();
    const twice = ORDERS.find((o) => o.id === 5)!;
    const spend = new Map(store.projection.spendByUser);
    spend.set(2, spend.get(2)! + totalOf(twice));
    const units = new Map(store.projection.unitsByProduct);
    units.set(3, units.get(3)! + 5);
    store.projection = {
      ...store.projection,
      appliedCount: store.projection.appliedCount + 1,
      spendByUser: spend,
      unitsByProduct: units,
    };

    const verdict = keys(checkConservation(client, store));

    expect(verdict.duplicated).toEqual(['projection applied-count:v2']);
    expect(verdict.drift).toEqual(['projection user:2', 'projection product:3']);
    expect(verdict.lost).toEqual([]);
  });

  it('When the log holds two OrderCreated for one order, or a client got the same order id twice, then both are duplicates', () => {
    const { client, store } = cleanWorld();
    const copy = { ...store.events[0]!, sequence: 100, eventId: 'ffffffff-0000-4000-8000-000000000000' };
    store.events = [...store.events, copy];
    (store.projection.appliedEventIds as Set<string>).add(copy.eventId);
    store.projection = { ...store.projection, appliedCount: store.projection.appliedCount + 1 };
    (client.created as Map<number, number>).set(2, 2);

    const verdict = keys(checkConservation(client, store));

    expect(verdict.duplicated).toEqual(['client order:2', 'event-log created:1']);
    expect(verdict.drift).toEqual(['event-log user:1', 'event-log product:1']);
  });

  it('When a report shows a total one cent off (planted drift), then that report position drifts and nothing else', () => {
    const { client, store } = cleanWorld();
    const [first, ...rest] = (store.reports.highestSpenders as { entries: [number, number][] }).entries;
    store.reports.highestSpenders = { entries: [[first![0], first![1] - 1], ...rest] };
    expect(keys(checkConservation(client, store))).toEqual({
      ...none,
      drift: ['report:highest-spenders highest-spenders#1'],
    });
  });

  it('When the projection has no complete live version or a report cannot be had, then that is drift', () => {
    const { client, store } = cleanWorld();
    store.projection = { ...store.projection, complete: false, rebuilding: true };
    store.reports.bestSellers = { error: '503 UNAVAILABLE' };
    expect(keys(checkConservation(client, store)).drift).toEqual([
      'projection projection:live',
      'projection projection:rebuilding',
      'report:best-sellers best-sellers:answer',
    ]);
  });

  it('When a committed order got no 201, or a deletion got no answer either way, then it is unexpected or fine, never lost', () => {
    const { client, store } = cleanWorld();
    (client.created as Map<number, number>).delete(4); // its request failed (502, reset), yet it committed
    (client.deleted as Map<number, number>).delete(3);
    (client.uncertainDeletes as Set<number>).add(3); // its deletion timed out, yet it was done
    expect(keys(checkConservation(client, store))).toEqual({ ...none, unexpected: ['mysql order:4'] });
  });

  it('When a deletion was acknowledged but the order is still there, then the deletion is lost', () => {
    const { client, store } = cleanWorld();
    (client.deleted as Map<number, number>).set(1, 1);
    expect(keys(checkConservation(client, store)).lost).toEqual(['mysql deletion:1']);
  });

  it('When an event is still unpublished once the pipeline should be idle, then it is lost in the relay', () => {
    const { client, store } = cleanWorld();
    store.events = store.events.map((e, i) => (i === 0 ? { ...e, published: false } : e));
    expect(keys(checkConservation(client, store)).lost).toEqual([
      `relay unpublished:${store.events[0]!.eventId}`,
    ]);
  });

  it('When findings were there before the drill, then only the new ones are the drill`s', () => {
    const { client, store } = cleanWorld();
    (client.created as Map<number, number>).set(98, 1);
    const before = new Set(checkConservation(client, store).lost.map(findingId));
    (client.created as Map<number, number>).set(99, 1);
    expect(newFindings(checkConservation(client, store).lost, before).map((f) => f.key)).toEqual([
      'order:99',
    ]);
  });
});

describe('rankTotals', () => {
  it('ranks by value descending, ties by id ascending, drops members at 0 and keeps the top limit', () => {
    const totals = new Map([
      [3, 10],
      [1, 10],
      [2, 30],
      [4, 0],
      [5, 5],
    ]);
    expect(rankTotals(totals, 3)).toEqual([
      [2, 30],
      [1, 10],
      [3, 10],
    ]);
  });
});
