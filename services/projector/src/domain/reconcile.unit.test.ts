import type { Totals, TotalsSource } from './ports';
import { compareTotals, reconcile } from './reconcile.use-case';

describe('compareTotals', () => {
  test('When both sides agree, then there is no drift', () => {
    expect(compareTotals(new Map([[1, 500]]), new Map([[1, 500]]))).toEqual([]);
  });

  test('When a member is absent on one side and 0 on the other, then they are equal', () => {
    expect(compareTotals(new Map([[1, 0]]), new Map())).toEqual([]);
    expect(compareTotals(new Map(), new Map([[2, 0]]))).toEqual([]);
  });

  test('When values differ or exist on one side only, then each is reported once, by id', () => {
    const drift = compareTotals(
      new Map([
        [3, 10],
        [1, 5],
      ]),
      new Map([
        [1, 7],
        [4, 2],
      ]),
    );
    expect(drift).toEqual([
      { id: 1, expected: 5, actual: 7 },
      { id: 3, expected: 10, actual: 0 },
      { id: 4, expected: 0, actual: 2 },
    ]);
  });

  test('When ids are given, then only those ids are compared', () => {
    expect(compareTotals(new Map([[1, 5]]), new Map([[2, 9]]), [1])).toEqual([
      { id: 1, expected: 5, actual: 0 },
    ]);
  });
});

describe('reconcile', () => {
  const source = (spend: Totals, units: Totals): TotalsSource => ({
    spendByUser: (ids) => Promise.resolve(new Map([...spend].filter(([id]) => !ids || ids.includes(id)))),
    unitsByProduct: (ids) => Promise.resolve(new Map([...units].filter(([id]) => !ids || ids.includes(id)))),
  });
  const mysql = source(
    new Map([
      [1, 100],
      [2, 50],
    ]),
    new Map([[7, 3]]),
  );
  const projection = source(
    new Map([
      [1, 100],
      [2, 40],
    ]),
    new Map([[7, 5]]),
  );

  test('When nothing is filtered, then users and products are counted and differences summed', async () => {
    expect(await reconcile({ mysql, projection })).toMatchObject({ mismatches: 2, absoluteDifference: 12 });
  });

  test('When only users are listed, then no product is compared', async () => {
    const report = await reconcile({ mysql, projection }, { userIds: [1] });
    expect(report).toEqual({ users: [], products: [], mismatches: 0, absoluteDifference: 0 });
  });
});
