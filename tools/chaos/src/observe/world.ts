import { connect, type Channel, type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import {
  OUTBOX_EVENT_COLUMNS,
  PROJECTION_META,
  TOTALS_SQL,
  outboxRowToEvent,
  projectionControlKeys,
  projectionKeys,
  totalsRowSchema,
} from '@store/contracts';
import type { LoggedEvent, ProjectionView, ReportView, StoreView, Totals } from '../conservation';
import {
  AMQP_URL,
  DEAD_LETTER_QUEUE,
  GATEWAY_URL,
  MYSQL,
  MYSQL_DATABASE,
  PROJECTOR_QUEUE,
  REDIS_KEY_PREFIX,
  REDIS_URL,
  REPORT_TTL_SECONDS,
} from '../settings';
import { sleep } from '../stack/processes';

/*
 * The tool's own eyes on the chaos stack's stores, around the stack rather than through it: MariaDB directly
 * (not through the proxy a drill cuts), the stack's Redis, and its RabbitMQ node. Key names, the outbox row →
 * event mapping and the totals SQL come from @store/contracts, as the services use them.
 */

/** How far along the pipeline is: what the idle and recovery checks look at. */
export interface PipelineState {
  outboxRows: number;
  unpublished: number;
  /** Unpublished rows older than 2 s: a relay that is behind, not one that has not run yet. */
  staleUnpublished: number;
  /** Messages waiting in the projector's queue (undefined: the broker did not answer). */
  queueReady: number | undefined;
  deadLetters: number | undefined;
  liveVersion: number | undefined;
  complete: boolean;
  rebuilding: boolean;
  appliedCount: number;
}

export class World {
  private readonly sql = mysql.createPool({
    ...MYSQL,
    database: MYSQL_DATABASE,
    connectionLimit: 3,
    timezone: 'Z',
    supportBigNumbers: true,
  });
  private readonly redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    // The stack's Redis is killed on purpose: keep retrying quietly, every 200 ms.
    retryStrategy: () => 200,
  });
  private broker: { model: ChannelModel; channel: Channel } | undefined;
  private readonly control = projectionControlKeys(REDIS_KEY_PREFIX);

  constructor() {
    this.redis.on('error', () => undefined);
  }

  async close(): Promise<void> {
    await this.sql.end().catch(() => undefined);
    this.redis.disconnect();
    await this.broker?.model.close().catch(() => undefined);
  }

  // --- MySQL --------------------------------------------------------------------------------------------------

  async mysqlTotals(): Promise<{ spendByUser: Totals; unitsByProduct: Totals }> {
    const [spend, units] = await Promise.all([
      this.sql.query<RowDataPacket[]>(TOTALS_SQL.userSpend.all),
      this.sql.query<RowDataPacket[]>(TOTALS_SQL.productUnits.all),
    ]);
    return { spendByUser: totalsOf(spend[0]), unitsByProduct: totalsOf(units[0]) };
  }

  /** Spend (cents) per user of the orders committed in the last `seconds` (the report probe's tolerance). */
  async recentSpendByUser(seconds: number): Promise<Totals> {
    const [rows] = await this.sql.query<RowDataPacket[]>(TOTALS_SQL.userSpend.since, [seconds]);
    return totalsOf(rows);
  }

  /** Whether the OrderCreated of `orderId` is applied to a complete live projection (the recovery canary). */
  async orderApplied(orderId: number): Promise<boolean> {
    const [rows] = await this.sql.query<RowDataPacket[]>(
      "SELECT event_id FROM outbox WHERE type = 'OrderCreated' AND JSON_VALUE(payload, '$.order_id') = ?",
      [orderId],
    );
    const eventId = rows[0]?.event_id as string | undefined;
    if (!eventId) return false;
    const live = await this.liveVersion();
    if (!live?.complete) return false;
    return (
      (await this.redis.exists(
        projectionKeys(live.version, REDIS_KEY_PREFIX).appliedEventPrefix + eventId,
      )) === 1
    );
  }

  /** applied_events of the live version (0 when there is none or Redis does not answer). */
  async appliedCount(): Promise<number> {
    const live = await this.liveVersion().catch(() => undefined);
    if (!live) return 0;
    const meta = projectionKeys(live.version, REDIS_KEY_PREFIX).meta;
    return Number((await this.redis.hget(meta, PROJECTION_META.appliedEvents).catch(() => null)) ?? 0);
  }

  /**
   * CLIENT PAUSE … WRITE on the stack's Redis: scripts (EVAL/EVALSHA count as writes) wait in Redis, unrun, until
   * `unpause` (or `ms` pass); reads go on.
   */
  async pauseWrites(ms: number): Promise<() => Promise<void>> {
    await this.redis.call('CLIENT', 'PAUSE', String(ms), 'WRITE');
    return async () => {
      await this.redis.call('CLIENT', 'UNPAUSE');
    };
  }

  /** Up to `count` published events of the log, as their envelopes (to publish again as duplicates). */
  async someEvents(count: number): Promise<unknown[]> {
    const [rows] = await this.sql.query<RowDataPacket[]>(
      `SELECT ${OUTBOX_EVENT_COLUMNS} FROM outbox WHERE published_at IS NOT NULL ORDER BY RAND() LIMIT ?`,
      [count],
    );
    return rows.flatMap((row) => {
      const result = outboxRowToEvent(row);
      return result.ok ? [result.event] : [];
    });
  }

  async pipeline(): Promise<PipelineState> {
    const [[counts]] = await this.sql.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS total, COALESCE(SUM(published_at IS NULL), 0) AS unpublished,
              COALESCE(SUM(published_at IS NULL AND created_at < UTC_TIMESTAMP(3) - INTERVAL 2 SECOND), 0) AS stale
         FROM outbox`,
    );
    const live = await this.liveVersion().catch(() => undefined);
    const rebuilding = await this.redis.exists(this.control.rebuildMarker).catch(() => 1);
    const applied = live
      ? Number(
          await this.redis.hget(
            projectionKeys(live.version, REDIS_KEY_PREFIX).meta,
            PROJECTION_META.appliedEvents,
          ),
        )
      : 0;
    return {
      outboxRows: Number(counts!.total),
      unpublished: Number(counts!.unpublished),
      staleUnpublished: Number(counts!.stale),
      queueReady: await this.queueDepth(PROJECTOR_QUEUE),
      deadLetters: await this.queueDepth(DEAD_LETTER_QUEUE),
      liveVersion: live?.version,
      complete: live?.complete ?? false,
      rebuilding: rebuilding === 1,
      appliedCount: applied || 0,
    };
  }

  // --- the whole picture, for the checker ----------------------------------------------------------------------

  async snapshot(reportLimit: number): Promise<StoreView> {
    // One consistent read of MySQL (nothing writes now, but a late request could still land).
    const connection = await this.sql.getConnection();
    let orderIds: RowDataPacket[];
    let outbox: RowDataPacket[];
    let mysqlTotals: { spendByUser: Totals; unitsByProduct: Totals };
    try {
      await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      [orderIds] = await connection.query<RowDataPacket[]>('SELECT id FROM orders');
      [outbox] = await connection.query<RowDataPacket[]>(
        `SELECT ${OUTBOX_EVENT_COLUMNS}, published_at IS NOT NULL AS published FROM outbox ORDER BY sequence`,
      );
      const [spend] = await connection.query<RowDataPacket[]>(TOTALS_SQL.userSpend.all);
      const [units] = await connection.query<RowDataPacket[]>(TOTALS_SQL.productUnits.all);
      mysqlTotals = { spendByUser: totalsOf(spend), unitsByProduct: totalsOf(units) };
      await connection.query('COMMIT');
    } finally {
      connection.release();
    }
    return {
      ordersInMysql: new Set(orderIds.map((row) => Number(row.id))),
      mysql: mysqlTotals,
      events: outbox.map(toLoggedEvent),
      projection: await this.projection(),
      reports: {
        highestSpenders: await readReport('highest-spenders', reportLimit),
        bestSellers: await readReport('best-sellers', reportLimit),
      },
      reportLimit,
    };
  }

  private async liveVersion(): Promise<{ version: number; complete: boolean } | undefined> {
    const pointer = await this.redis.get(this.control.pointer);
    if (pointer === null) return undefined;
    const version = Number(pointer);
    const completedAt = await this.redis.hget(
      projectionKeys(version, REDIS_KEY_PREFIX).meta,
      PROJECTION_META.completedAt,
    );
    return { version, complete: completedAt !== null };
  }

  private async projection(): Promise<ProjectionView> {
    const live = await this.liveVersion();
    const rebuilding = (await this.redis.exists(this.control.rebuildMarker)) === 1;
    if (!live) {
      return {
        version: undefined,
        complete: false,
        rebuilding,
        appliedEventIds: new Set(),
        appliedCount: 0,
        spendByUser: new Map(),
        unitsByProduct: new Map(),
      };
    }
    const keys = projectionKeys(live.version, REDIS_KEY_PREFIX);
    const appliedEventIds = new Set<string>();
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(
        cursor,
        'MATCH',
        `${globEscape(keys.appliedEventPrefix)}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      for (const key of found) appliedEventIds.add(key.slice(keys.appliedEventPrefix.length));
    } while (cursor !== '0');
    return {
      version: live.version,
      complete: live.complete,
      rebuilding,
      appliedEventIds,
      appliedCount: Number((await this.redis.hget(keys.meta, PROJECTION_META.appliedEvents)) ?? 0),
      spendByUser: await this.sortedSet(keys.spenders),
      unitsByProduct: await this.sortedSet(keys.bestSellers),
    };
  }

  private async sortedSet(key: string): Promise<Totals> {
    const flat = await this.redis.zrange(key, 0, -1, 'WITHSCORES');
    const totals = new Map<number, number>();
    for (let i = 0; i + 1 < flat.length; i += 2) totals.set(Number(flat[i]), Number(flat[i + 1]));
    return totals;
  }

  // --- RabbitMQ -------------------------------------------------------------------------------------------------

  /** Messages ready in `queue`, or undefined when the broker (or the queue) is not there. */
  async queueDepth(queue: string): Promise<number | undefined> {
    try {
      const channel = await this.channel();
      return (await channel.checkQueue(queue)).messageCount;
    } catch {
      await this.dropBroker();
      return undefined;
    }
  }

  /** Publishes raw bodies to the stack's exchange with confirms (duplicates and poison for a drill). */
  async publish(
    exchange: string,
    messages: { routingKey: string; body: Buffer; messageId?: string }[],
  ): Promise<void> {
    const model = await connect(AMQP_URL);
    try {
      const channel = await model.createConfirmChannel();
      for (const message of messages) {
        channel.publish(exchange, message.routingKey, message.body, {
          persistent: true,
          contentType: 'application/json',
          ...(message.messageId ? { messageId: message.messageId } : {}),
        });
      }
      await channel.waitForConfirms();
    } finally {
      await model.close().catch(() => undefined);
    }
  }

  private async channel(): Promise<Channel> {
    if (!this.broker) {
      const model = await connect(AMQP_URL);
      model.on('error', () => undefined);
      model.on('close', () => (this.broker = undefined));
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      channel.on('close', () => (this.broker = undefined));
      this.broker = { model, channel };
    }
    return this.broker.channel;
  }

  private async dropBroker(): Promise<void> {
    const broker = this.broker;
    this.broker = undefined;
    await broker?.model.close().catch(() => undefined);
  }
}

function totalsOf(rows: RowDataPacket[]): Map<number, number> {
  const totals = new Map<number, number>();
  for (const row of rows) {
    const { id, total } = totalsRowSchema.parse(row);
    totals.set(id, total);
  }
  return totals;
}

function toLoggedEvent(row: RowDataPacket): LoggedEvent {
  const { published, ...columns } = row;
  const result = outboxRowToEvent(columns);
  const base = {
    sequence: Number(row.sequence),
    eventId: String(row.event_id),
    type: String(row.type),
    published: Number(published) === 1,
  };
  if (!result.ok) return base;
  const { data } = result.event;
  return {
    ...base,
    order: {
      orderId: data.order_id,
      userId: data.user_id,
      totalCents: data.total_cents,
      lines: data.items.map((item) => ({ productId: item.product_id, quantity: item.quantity })),
    },
  };
}

const globEscape = (text: string): string => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/**
 * A report as the clients get it (through the gateway), freshly computed: the cache lives REPORT_TTL_SECONDS,
 * so an answer served from it (X-Cache: HIT) is read again after that long, a few times at most.
 */
export async function readReport(
  report: 'highest-spenders' | 'best-sellers',
  limit: number,
): Promise<ReportView> {
  let last: ReportView = { error: 'not read' };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt > 0) await sleep(REPORT_TTL_SECONDS * 1000 + 200);
    const answer = await fetchReport(report, limit);
    if ('error' in answer) {
      last = answer;
      continue;
    }
    last = { entries: answer.entries };
    if (answer.cache === 'MISS') return last;
  }
  return last;
}

export interface ReportAnswer {
  entries: [number, number][];
  cache: string | null;
  source: string | null;
}

/** One GET of a report: its entries as [id, cents or units], or why there were none. */
export async function fetchReport(
  report: 'highest-spenders' | 'best-sellers',
  limit: number,
): Promise<ReportAnswer | { error: string }> {
  try {
    const response = await fetch(`${GATEWAY_URL}/orders/reports/${report}?limit=${limit}`, {
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (response.status !== 200) {
      const code = /"code":"([A-Z_]+)"/.exec(text)?.[1];
      return { error: `${response.status}${code ? ` ${code}` : ''}` };
    }
    const body = JSON.parse(text) as Record<string, number>[];
    const entries: [number, number][] = body.map((row) =>
      report === 'highest-spenders'
        ? [row.user_id!, Math.round(row.total_expense! * 100)]
        : [row.product_id!, row.quantity_sold!],
    );
    return {
      entries,
      cache: response.headers.get('x-cache'),
      source: response.headers.get('x-report-source'),
    };
  } catch (error) {
    return { error: error instanceof Error ? error.name : String(error) };
  }
}
