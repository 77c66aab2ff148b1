import type { IdFilter, Totals, TotalsSource } from './ports';

export interface Drift {
  id: number;
  /** from MySQL, the source of truth */
  expected: number;
  /** from the live projection */
  actual: number;
}

export interface ReconcileReport {
  users: Drift[];
  products: Drift[];
  /**
   * The drift figure exported as `projection_drift`: how many users and products disagree. A count, not a
   * sum of differences, so one wrong product does not look like a thousand because it sells by the thousand.
   */
  mismatches: number;
  /** Σ |expected − actual| over users (cents) and products (units), for the log and the admin answer. */
  absoluteDifference: number;
}

/** Entries that disagree; an id missing on one side counts as 0 there (a member at 0 is dropped from Redis). */
export function compareTotals(expected: Totals, actual: Totals, ids?: number[]): Drift[] {
  const every = ids ?? [...new Set([...expected.keys(), ...actual.keys()])];
  return every
    .map((id) => ({ id, expected: expected.get(id) ?? 0, actual: actual.get(id) ?? 0 }))
    .filter((drift) => drift.expected !== drift.actual)
    .sort((a, b) => a.id - b.id);
}

/**
 * Compares MySQL's GROUP BY totals with the live projection. With a filter exactly the listed ids are compared
 * (a filter naming only users compares no product), which keeps the check meaningful on a database that other
 * writers share. A projection that trails the
 * outbox by a few events shows a transient drift; a drift that stays is a bug.
 */
export async function reconcile(
  deps: { mysql: TotalsSource; projection: TotalsSource },
  requested: IdFilter = {},
): Promise<ReconcileReport> {
  const filtered = requested.userIds !== undefined || requested.productIds !== undefined;
  const filter = filtered ? { userIds: requested.userIds ?? [], productIds: requested.productIds ?? [] } : {};
  const [expectedSpend, expectedUnits, actualSpend, actualUnits] = await Promise.all([
    deps.mysql.spendByUser(filter.userIds),
    deps.mysql.unitsByProduct(filter.productIds),
    deps.projection.spendByUser(filter.userIds),
    deps.projection.unitsByProduct(filter.productIds),
  ]);
  const users = compareTotals(expectedSpend, actualSpend, filter.userIds);
  const products = compareTotals(expectedUnits, actualUnits, filter.productIds);
  const all = [...users, ...products];
  return {
    users,
    products,
    mismatches: all.length,
    absoluteDifference: all.reduce((sum, drift) => sum + Math.abs(drift.expected - drift.actual), 0),
  };
}
