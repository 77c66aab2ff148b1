import type { ProjectionView, StoreView, Totals } from '../conservation';
import { DEAD_LETTER_QUEUE, PROJECTOR_QUEUE } from '../settings';
import { BrokerReader } from './broker-reader';
import { readReport } from './gateway-reader';
import { MysqlReader, type MysqlTotals } from './mysql-reader';
import { RedisReader } from './redis-reader';

export { fetchReport, readReport, type ReportAnswer } from './gateway-reader';

/*
 * The tool's own eyes on the chaos stack's stores, around the stack rather than through it: MariaDB directly
 * (not through the proxy a drill cuts), the stack's Redis, its RabbitMQ node, and the reports through the gateway.
 * One reader per store; this composes what the drills and the checker ask, across stores.
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
  private readonly mysql = new MysqlReader();
  private readonly redis = new RedisReader();
  private readonly broker = new BrokerReader();

  async close(): Promise<void> {
    await this.mysql.close();
    this.redis.close();
    await this.broker.close();
  }

  mysqlTotals(): Promise<MysqlTotals> {
    return this.mysql.totals();
  }

  /** Spend (cents) per user of the orders committed in the last `seconds` (the report probe's tolerance). */
  recentSpendByUser(seconds: number): Promise<Totals> {
    return this.mysql.recentSpendByUser(seconds);
  }

  /** Whether the OrderCreated of `orderId` is applied to a complete live projection (the recovery canary). */
  async orderApplied(orderId: number): Promise<boolean> {
    const eventId = await this.mysql.orderCreatedEventId(orderId);
    if (!eventId) return false;
    const live = await this.redis.liveVersion();
    if (!live?.complete) return false;
    return this.redis.isApplied(live.version, eventId);
  }

  /** applied_events of the live version (0 when there is none or Redis does not answer). */
  async appliedCount(): Promise<number> {
    const live = await this.redis.liveVersion().catch(() => undefined);
    if (!live) return 0;
    return (await this.redis.appliedCount(live.version).catch(() => 0)) || 0;
  }

  /** CLIENT PAUSE … WRITE on the stack's Redis (see RedisReader.pauseWrites). */
  pauseWrites(ms: number): Promise<() => Promise<void>> {
    return this.redis.pauseWrites(ms);
  }

  /** Up to `count` published events of the log, as their envelopes (to publish again as duplicates). */
  someEvents(count: number): Promise<unknown[]> {
    return this.mysql.someEvents(count);
  }

  async pipeline(): Promise<PipelineState> {
    const counts = await this.mysql.outboxCounts();
    const live = await this.redis.liveVersion().catch(() => undefined);
    // A Redis that does not answer may be mid-rebuild: never report it idle.
    const rebuilding = await this.redis.rebuilding().catch(() => true);
    const applied = live ? await this.redis.appliedCount(live.version) : 0;
    return {
      outboxRows: counts.total,
      unpublished: counts.unpublished,
      staleUnpublished: counts.stale,
      queueReady: await this.broker.queueDepth(PROJECTOR_QUEUE),
      deadLetters: await this.broker.queueDepth(DEAD_LETTER_QUEUE),
      liveVersion: live?.version,
      complete: live?.complete ?? false,
      rebuilding,
      appliedCount: applied || 0,
    };
  }

  /** The whole picture, for the checker: MySQL in one consistent read, then the projection, then the reports. */
  async snapshot(reportLimit: number): Promise<StoreView> {
    const mysql = await this.mysql.snapshot();
    const projection: ProjectionView = await this.redis.projection();
    return {
      ...mysql,
      projection,
      reports: {
        highestSpenders: await readReport('highest-spenders', reportLimit),
        bestSellers: await readReport('best-sellers', reportLimit),
      },
      reportLimit,
    };
  }

  /** Messages ready in `queue`, or undefined when the broker (or the queue) is not there. */
  queueDepth(queue: string): Promise<number | undefined> {
    return this.broker.queueDepth(queue);
  }

  /** Publishes raw bodies to the stack's exchange with confirms (duplicates and poison for a drill). */
  publish(exchange: string, messages: Parameters<BrokerReader['publish']>[1]): Promise<void> {
    return this.broker.publish(exchange, messages);
  }
}
