/*
 * The conservation checker: pure logic, no I/O. Once the pipeline is idle it holds five views of the same orders
 * side by side and says where they disagree:
 *   1. what the clients saw acknowledged (201 with an order_id, 200 {deleted: true});
 *   2. the orders in MySQL (the source of truth);
 *   3. the events in the log (the outbox table);
 *   4. the events applied to the live Redis projection (its per-event dedup keys and applied_events count);
 *   5. the totals: the projection and the reports the API serves, against a GROUP BY over MySQL.
 * Every finding has a stable key (`order:17`, `event:<uuid>`, `user:2`, …) so a drill can tell the findings it
 * caused from those an earlier drill left behind.
 *
 * - lost: something acknowledged or committed that a later view lacks (an acknowledged order not in MySQL, an
 *   order without its event, an event never published or never applied, a deletion acknowledged but not done);
 * - duplicated: something that exists more than once (an order acknowledged twice, two OrderCreated for one
 *   order, an event counted twice by the projection);
 * - unexpected: something no client was told about (an order whose request failed but which committed — legal,
 *   the client saw an error and the write still happened; an applied event the log does not have — not legal,
 *   but it shows as drift too);
 * - drift: a total that differs from the GROUP BY (projection, reports, or the log's own sum), or a projection
 *   that is not usable (no complete live version, a rebuild still running).
 * A drill passes only with nothing lost, nothing duplicated and no drift.
 */

export type FindingKind = 'lost' | 'duplicated' | 'unexpected' | 'drift';

export interface Finding {
  kind: FindingKind;
  /** The view where it shows: client, mysql, event-log, relay, projection, report:<name>. */
  where: string;
  key: string;
  detail: string;
}

/** What the clients saw (see witness.ts): order id → how many 201s carried it, and likewise for deletions. */
export interface ClientRecord {
  created: ReadonlyMap<number, number>;
  deleted: ReadonlyMap<number, number>;
  /** Deletions sent whose answer never came or was an error: done or not, both are fine. */
  uncertainDeletes: ReadonlySet<number>;
}

export interface OrderLine {
  productId: number;
  quantity: number;
}

/** One outbox row as the checker needs it; `order` is undefined when the row is not a valid event. */
export interface LoggedEvent {
  sequence: number;
  eventId: string;
  type: string;
  published: boolean;
  order?: { orderId: number; userId: number; totalCents: number; lines: OrderLine[] };
}

export type Totals = ReadonlyMap<number, number>;

export interface ProjectionView {
  /** The live version the pointer names; undefined when there is none (never built, or Redis lost it). */
  version: number | undefined;
  /** The live version is complete (a rebuild made it live), hence usable by readers. */
  complete: boolean;
  rebuilding: boolean;
  /** Event ids with a dedup key in the live version. */
  appliedEventIds: ReadonlySet<string>;
  /** The live version's applied_events counter. */
  appliedCount: number;
  spendByUser: Totals;
  unitsByProduct: Totals;
}

/** A report as the API answered it, ranked: [id, value] in cents (spend) or units; or why there was none. */
export type ReportView = { entries: [number, number][] } | { error: string };

export interface StoreView {
  ordersInMysql: ReadonlySet<number>;
  /** GROUP BY over MySQL: spend per user in cents, units per product. */
  mysql: { spendByUser: Totals; unitsByProduct: Totals };
  events: readonly LoggedEvent[];
  projection: ProjectionView;
  reports: { highestSpenders: ReportView; bestSellers: ReportView };
  /** The limit the reports were asked with (to rank the GROUP BY the same way). */
  reportLimit: number;
}

export interface Verdict {
  lost: Finding[];
  duplicated: Finding[];
  unexpected: Finding[];
  drift: Finding[];
  /** What was compared, to show the check had something to check. */
  counted: { acknowledged: number; deleted: number; inMysql: number; events: number; applied: number };
}

export function checkConservation(client: ClientRecord, store: StoreView): Verdict {
  const findings: Finding[] = [];
  const add = (kind: FindingKind, where: string, key: string, detail: string) =>
    findings.push({ kind, where, key, detail });

  checkClientAgainstMysql(client, store, add);
  const byOrder = checkEventLog(store, add);
  checkProjectionEvents(store, add);
  checkTotals(store, byOrder, add);

  const of = (kind: FindingKind) => findings.filter((finding) => finding.kind === kind);
  return {
    lost: of('lost'),
    duplicated: of('duplicated'),
    unexpected: of('unexpected'),
    drift: of('drift'),
    counted: {
      acknowledged: client.created.size,
      deleted: client.deleted.size,
      inMysql: store.ordersInMysql.size,
      events: store.events.length,
      applied: store.projection.appliedEventIds.size,
    },
  };
}

type Add = (kind: FindingKind, where: string, key: string, detail: string) => void;

function checkClientAgainstMysql(client: ClientRecord, store: StoreView, add: Add): void {
  const { ordersInMysql } = store;
  for (const [orderId, times] of client.created) {
    if (times > 1)
      add('duplicated', 'client', `order:${orderId}`, `order ${orderId} acknowledged ${times} times`);
    const deletedOrMaybe = client.deleted.has(orderId) || client.uncertainDeletes.has(orderId);
    if (!ordersInMysql.has(orderId) && !deletedOrMaybe)
      add('lost', 'mysql', `order:${orderId}`, `order ${orderId} acknowledged (201) but not in MySQL`);
  }
  for (const [orderId, times] of client.deleted) {
    if (times > 1)
      add(
        'duplicated',
        'client',
        `deletion:${orderId}`,
        `deletion of ${orderId} acknowledged ${times} times`,
      );
    if (ordersInMysql.has(orderId))
      add(
        'lost',
        'mysql',
        `deletion:${orderId}`,
        `deletion of ${orderId} acknowledged but the order is in MySQL`,
      );
  }
  for (const orderId of ordersInMysql) {
    if (!client.created.has(orderId))
      add('unexpected', 'mysql', `order:${orderId}`, `order ${orderId} in MySQL, its request got no 201`);
  }
}

interface OrderEvents {
  created: LoggedEvent[];
  deleted: LoggedEvent[];
}

function checkEventLog(store: StoreView, add: Add): Map<number, OrderEvents> {
  const byOrder = new Map<number, OrderEvents>();
  for (const event of store.events) {
    if (!event.order) {
      add(
        'unexpected',
        'event-log',
        `invalid:${event.sequence}`,
        `outbox row ${event.sequence} is not a valid event`,
      );
      continue;
    }
    if (!event.published)
      add('lost', 'relay', `unpublished:${event.eventId}`, `${describe(event)} never published`);
    let entry = byOrder.get(event.order.orderId);
    if (!entry) byOrder.set(event.order.orderId, (entry = { created: [], deleted: [] }));
    if (event.type === 'OrderCreated') entry.created.push(event);
    else if (event.type === 'OrderDeleted') entry.deleted.push(event);
  }
  for (const [orderId, { created, deleted }] of byOrder) {
    if (created.length > 1)
      add(
        'duplicated',
        'event-log',
        `created:${orderId}`,
        `${created.length} OrderCreated for order ${orderId}`,
      );
    if (deleted.length > 1)
      add(
        'duplicated',
        'event-log',
        `deleted:${orderId}`,
        `${deleted.length} OrderDeleted for order ${orderId}`,
      );
    if (created.length === 0)
      add(
        'unexpected',
        'event-log',
        `created:${orderId}`,
        `OrderDeleted for order ${orderId} that was never created`,
      );
    const inMysql = store.ordersInMysql.has(orderId);
    if (!inMysql && created.length > 0 && deleted.length === 0)
      add(
        'lost',
        'event-log',
        `deleted:${orderId}`,
        `order ${orderId} is gone from MySQL without an OrderDeleted`,
      );
    if (inMysql && deleted.length > 0)
      add(
        'unexpected',
        'event-log',
        `deleted:${orderId}`,
        `OrderDeleted for order ${orderId}, still in MySQL`,
      );
  }
  for (const orderId of store.ordersInMysql) {
    if (!byOrder.get(orderId)?.created.length)
      add('lost', 'event-log', `created:${orderId}`, `order ${orderId} in MySQL without an OrderCreated`);
  }
  return byOrder;
}

function checkProjectionEvents(store: StoreView, add: Add): void {
  const { projection } = store;
  if (projection.version === undefined || !projection.complete)
    add(
      'drift',
      'projection',
      'projection:live',
      'no complete live version (never built, or lost and not rebuilt)',
    );
  if (projection.rebuilding)
    add('drift', 'projection', 'projection:rebuilding', 'a rebuild is still running');
  const logged = new Set<string>();
  for (const event of store.events) {
    if (!event.order) continue;
    logged.add(event.eventId);
    if (!projection.appliedEventIds.has(event.eventId))
      add('lost', 'projection', `event:${event.eventId}`, `${describe(event)} not applied to the projection`);
  }
  let known = 0;
  for (const eventId of projection.appliedEventIds) {
    if (logged.has(eventId)) known++;
    else
      add(
        'unexpected',
        'projection',
        `applied:${eventId}`,
        `event ${eventId} applied but not in the event log`,
      );
  }
  const extra = projection.appliedCount - projection.appliedEventIds.size;
  if (extra > 0)
    add(
      'duplicated',
      'projection',
      `applied-count:v${projection.version ?? '-'}`,
      `applied_events is ${projection.appliedCount} for ${projection.appliedEventIds.size} distinct events (${known} of the log): ${extra} counted twice`,
    );
}

function checkTotals(store: StoreView, byOrder: Map<number, OrderEvents>, add: Add): void {
  const { mysql, projection } = store;
  const fromLog = foldLog(byOrder);
  compareTotals('event-log', 'user', fromLog.spendByUser, mysql.spendByUser, add, cents);
  compareTotals('event-log', 'product', fromLog.unitsByProduct, mysql.unitsByProduct, add, units);
  compareTotals('projection', 'user', projection.spendByUser, mysql.spendByUser, add, cents);
  compareTotals('projection', 'product', projection.unitsByProduct, mysql.unitsByProduct, add, units);
  compareReport(
    'highest-spenders',
    'user',
    store.reports.highestSpenders,
    mysql.spendByUser,
    store.reportLimit,
    add,
    cents,
  );
  compareReport(
    'best-sellers',
    'product',
    store.reports.bestSellers,
    mysql.unitsByProduct,
    store.reportLimit,
    add,
    units,
  );
}

/** The totals the log implies: every OrderCreated counted, every OrderDeleted taken back. */
function foldLog(byOrder: Map<number, OrderEvents>): { spendByUser: Totals; unitsByProduct: Totals } {
  const spendByUser = new Map<number, number>();
  const unitsByProduct = new Map<number, number>();
  const apply = (event: LoggedEvent, sign: number) => {
    const order = event.order!;
    bump(spendByUser, order.userId, sign * order.totalCents);
    for (const line of order.lines) bump(unitsByProduct, line.productId, sign * line.quantity);
  };
  for (const { created, deleted } of byOrder.values()) {
    for (const event of created) apply(event, 1);
    for (const event of deleted) apply(event, -1);
  }
  return { spendByUser, unitsByProduct };
}

const bump = (totals: Map<number, number>, id: number, by: number) =>
  totals.set(id, (totals.get(id) ?? 0) + by);

const cents = (value: number) => (value / 100).toFixed(2);
const units = (value: number) => String(value);

/** A member missing on one side counts as 0 (a user whose orders were all deleted leaves the report). */
function compareTotals(
  where: string,
  member: string,
  actual: Totals,
  expected: Totals,
  add: Add,
  show: (v: number) => string,
) {
  for (const id of new Set([...actual.keys(), ...expected.keys()])) {
    const got = actual.get(id) ?? 0;
    const want = expected.get(id) ?? 0;
    if (got !== want)
      add('drift', where, `${member}:${id}`, `${member} ${id}: ${show(got)}, MySQL says ${show(want)}`);
  }
}

/** The report must be the GROUP BY ranked as the API ranks (value descending, ties by id), members above 0. */
export function rankTotals(totals: Totals, limit: number): [number, number][] {
  return [...totals.entries()]
    .filter(([, value]) => value > 0)
    .sort(([idA, a], [idB, b]) => b - a || idA - idB)
    .slice(0, limit);
}

function compareReport(
  report: string,
  member: string,
  view: ReportView,
  expected: Totals,
  limit: number,
  add: Add,
  show: (v: number) => string,
) {
  const where = `report:${report}`;
  if ('error' in view) {
    add('drift', where, `${report}:answer`, `${report} gave no report: ${view.error}`);
    return;
  }
  const want = rankTotals(expected, limit);
  for (let rank = 0; rank < Math.max(want.length, view.entries.length); rank++) {
    const got = view.entries[rank];
    const should = want[rank];
    if (got?.[0] === should?.[0] && got?.[1] === should?.[1]) continue;
    const shown = (entry?: [number, number]) =>
      entry ? `${member} ${entry[0]} ${show(entry[1])}` : 'nothing';
    add(
      'drift',
      where,
      `${report}#${rank + 1}`,
      `${report} #${rank + 1}: ${shown(got)}, MySQL says ${shown(should)}`,
    );
  }
}

function describe(event: LoggedEvent): string {
  return `${event.type} ${event.eventId} (order ${event.order?.orderId ?? '?'}, sequence ${event.sequence})`;
}

/** Keys of the findings in `now` that `before` did not have: what this drill added. */
export function newFindings(now: Finding[], before: ReadonlySet<string>): Finding[] {
  return now.filter((finding) => !before.has(findingId(finding)));
}

export const findingId = (finding: Finding): string => `${finding.kind}|${finding.where}|${finding.key}`;
