import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTING_KEYS, storeEventSchema, type StoreEvent } from '@store/contracts';
import type { World } from './observe/world';
import type { Profile } from './options';
import {
  DEAD_LETTER_QUEUE,
  EVENTS_EXCHANGE,
  PORTS,
  PROJECTOR_QUEUE,
  serviceInstances,
  type ServiceInstance,
  type StackPaths,
} from './settings';
import type { LocalStack } from './stack/local-stack';
import type { ProxyProcess } from './stack/mysql-proxy';
import { pidAlive, sleep, waitFor } from './stack/processes';
import type { RabbitNode } from './stack/rabbitmq-node';
import type { RedisServer } from './stack/redis-server';
import { burst } from './traffic';
import { sumTallies, type Witness } from './witness';

/*
 * The faults, one per drill. `inject` makes the fault happen while the load runs and says when it took effect;
 * what it killed must come back by itself (infra/local supervision), what it took away (MySQL, RabbitMQ, Redis)
 * the drill gives back in `restore`. `checks` adds what this fault in particular must show, beyond conservation.
 */

export interface DrillContext {
  paths: StackPaths;
  profile: Profile;
  stack: LocalStack;
  world: World;
  witness: Witness;
  redis: RedisServer;
  rabbit: RabbitNode;
  proxy: ProxyProcess;
  log: (line: string) => void;
}

export interface Injection {
  /** When the fault took effect (epoch ms): recovery is measured from here. */
  at: number;
  /** What happened, in words, for the report. */
  note: string;
  /** Service processes killed: each must be replaced by a new, ready one. */
  killed?: { instance: ServiceInstance; pid: number }[];
  /** Gives back what the fault took away (after holding it away for a while). */
  restore?: () => Promise<void>;
  /** Problems particular to this fault, found once the drill is over (each fails the drill). */
  checks?: () => Promise<{ problems: string[]; info: string[] }>;
  /** Judge every report answered while the fault lasts (see report-probe.ts). */
  probeReports?: boolean;
}

export interface Drill {
  id: string;
  title: string;
  inject(ctx: DrillContext): Promise<Injection>;
}

const instance = (name: string): ServiceInstance => serviceInstances().find((i) => i.name === name)!;
const ordersWrite = () => serviceInstances().filter((i) => i.name.startsWith('orders-write-'));

/** Arms an orders-write crash point (services/orders-write/src/data-access/fault-injection.ts) and waits for a victim. */
async function armCrashPoint(
  ctx: DrillContext,
  point: 'crash-after-commit-before-publish' | 'crash-mid-batch',
  whileWaiting: () => Promise<void>,
): Promise<{ instance: ServiceInstance; pid: number; at: number }> {
  const before = ordersWrite().map((i) => ({ instance: i, pid: ctx.stack.pidOf(i.name) }));
  const file = join(ctx.paths.faults, point);
  writeFileSync(file, '');
  let stop = false;
  const pressure = (async () => {
    while (!stop) await whileWaiting();
  })();
  const victim = await waitFor(() => before.find((p) => p.pid !== undefined && !pidAlive(p.pid)), 20_000, 20);
  stop = true;
  await pressure;
  if (!victim) {
    rmSync(file, { force: true });
    throw new Error(`no orders-write process reached ${point} within 20 s`);
  }
  return { instance: victim.instance, pid: victim.pid!, at: Date.now() };
}

const ORDERS_WRITE_CRASH_AFTER_COMMIT: Drill = {
  id: 'orders-write-crash-after-commit',
  title: 'orders-write killed right after a commit, before its relay publishes',
  async inject(ctx) {
    const victim = await armCrashPoint(ctx, 'crash-after-commit-before-publish', () => sleep(20));
    return {
      at: victim.at,
      note: `${victim.instance.name} (pid ${victim.pid}) SIGKILLed itself right after a COMMIT, before nudging its relay or answering`,
      killed: [victim],
    };
  },
};

const ORDERS_WRITE_CRASH_MID_BATCH: Drill = {
  id: 'orders-write-crash-mid-batch',
  title: 'orders-write killed in the middle of a group-commit batch',
  async inject(ctx) {
    // Bursts of concurrent orders make batches of several orders on each replica's single writer.
    const victim = await armCrashPoint(ctx, 'crash-mid-batch', async () => {
      await burst(ctx.witness, 12);
      await sleep(100);
    });
    return {
      at: victim.at,
      note: `${victim.instance.name} (pid ${victim.pid}) SIGKILLed itself with a batch of several orders written to MySQL, its answer unread`,
      killed: [victim],
    };
  },
};

const PROJECTOR_KILL_MID_BATCH: Drill = {
  id: 'projector-kill-mid-batch',
  title: 'projector killed (-9) in the middle of a batch',
  async inject(ctx) {
    const projector = instance('projector-1');
    const pid = ctx.stack.pidOf(projector.name);
    if (!pidAlive(pid)) throw new Error('the projector is not running');
    // Killed between applying a batch and acking it, deterministically: paused (SIGSTOP) while bursts of orders
    // queue a backlog beyond its prefetch window; Redis then holds every script (CLIENT PAUSE WRITE) while the
    // projector resumes and sends its first batch; the projector is frozen again, Redis runs the batch, and the
    // projector is killed with the reply unread. That batch is applied and never acked, the messages behind it
    // delivered and never applied: all must count exactly once.
    process.kill(pid!, 'SIGSTOP');
    let depth: number | undefined;
    let unpause: (() => Promise<void>) | undefined;
    try {
      depth = await waitFor(
        async () => {
          await burst(ctx.witness, 20);
          const ready = await ctx.world.queueDepth(PROJECTOR_QUEUE);
          return ready !== undefined && ready >= 200 ? ready : undefined;
        },
        15_000,
        0,
      );
      unpause = await ctx.world.pauseWrites(10_000);
    } finally {
      process.kill(pid!, 'SIGCONT');
    }
    const appliedBefore = await ctx.world.appliedCount();
    await sleep(500); // it reads its deliveries and sends the batch script, which Redis holds
    process.kill(pid!, 'SIGSTOP');
    await unpause();
    const applied = await waitFor(
      async () => {
        const count = await ctx.world.appliedCount();
        return count > appliedBefore ? count - appliedBefore : undefined;
      },
      3000,
      20,
    );
    process.kill(pid!, 'SIGKILL'); // a stopped process dies of it all the same
    const at = Date.now();
    return {
      at,
      note:
        `projector-1 (pid ${pid}) paused until ${depth ?? 'fewer than 200'} messages waited beyond its prefetch window; ` +
        (applied === undefined
          ? 'its batch script never ran in Redis: killed -9 with its deliveries unapplied'
          : `killed -9 frozen, after Redis ran its batch script (${applied} events applied, their reply unread, never acked)`),
      killed: [{ instance: projector, pid: pid! }],
      checks: async () => {
        // The new process counts from 0: what it met again had been applied (not acked) by the one killed.
        const redelivered = await projectorMetric('events_duplicate_total');
        return {
          problems: [],
          info: [
            `the new projector met ${redelivered ?? '?'} redelivered events that the killed one had applied`,
          ],
        };
      },
    };
  },
};

/** A counter of the projector's /metrics (summed over labels), or undefined when it does not answer. */
async function projectorMetric(name: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${PORTS.projector}/metrics`)).text();
    let sum = 0;
    for (const line of text.split('\n')) if (line.startsWith(name)) sum += Number(line.split(' ').at(-1));
    return sum;
  } catch {
    return undefined;
  }
}

const DUPLICATE_AND_POISON: Drill = {
  id: 'duplicate-and-poison-messages',
  title: 'duplicated and poison messages published straight into the queue',
  async inject(ctx) {
    const deadLettersBefore = (await ctx.world.queueDepth(DEAD_LETTER_QUEUE)) ?? 0;
    const duplicatesBefore = (await projectorMetric('events_duplicate_total')) ?? 0;
    const events = (await ctx.world.someEvents(20)) as StoreEvent[];
    if (events.length === 0) throw new Error('no published event to duplicate yet');
    const poison = poisonMessages(events[0]!);
    const duplicates = events.flatMap((event) => [event, event]);
    await ctx.world.publish(EVENTS_EXCHANGE, [
      ...duplicates.map((event) => ({
        routingKey: ROUTING_KEYS[event.type],
        body: Buffer.from(JSON.stringify(event)),
        messageId: event.event_id,
      })),
      ...poison.map((body) => ({ routingKey: ROUTING_KEYS.OrderCreated, body: Buffer.from(body) })),
    ]);
    return {
      at: Date.now(),
      note: `${duplicates.length} copies of ${events.length} applied events and ${poison.length} poison messages published to ${EVENTS_EXCHANGE}`,
      checks: async () => {
        const expected = deadLettersBefore + poison.length;
        const deadLetters = await waitFor(
          async () => {
            const depth = await ctx.world.queueDepth(DEAD_LETTER_QUEUE);
            return depth !== undefined && depth >= expected ? depth : undefined;
          },
          20_000,
          500,
        );
        const duplicatesAfter = (await projectorMetric('events_duplicate_total')) ?? 0;
        const problems =
          deadLetters === expected
            ? []
            : [
                `the dead-letter queue gained ${(deadLetters ?? (await ctx.world.queueDepth(DEAD_LETTER_QUEUE)) ?? 0) - deadLettersBefore} messages for ${poison.length} poison ones`,
              ];
        return {
          problems,
          info: [
            `dead-letter queue: ${deadLettersBefore} → ${deadLetters ?? '?'} messages`,
            `projector events_duplicate_total +${duplicatesAfter - duplicatesBefore} (≥ ${duplicates.length} expected)`,
          ],
        };
      },
    };
  },
};

/** Messages no consumer may apply: not JSON, not an event, or an event the contract refuses. */
export function poisonMessages(template: StoreEvent): string[] {
  const bad = [
    'not json at all',
    '',
    '[]',
    '{"type":"OrderCreated"}',
    JSON.stringify({ ...template, event_id: 'not-a-uuid' }),
    JSON.stringify({ ...template, version: 2 }),
    JSON.stringify({ ...template, type: 'OrderShipped' }),
    JSON.stringify({ ...template, data: { ...template.data, items: [] } }),
    JSON.stringify({ ...template, data: { ...template.data, total_cents: -1 } }),
  ];
  for (const body of bad) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      continue;
    }
    if (storeEventSchema.safeParse(parsed).success)
      throw new Error(`a "poison" message is a valid event: ${body}`);
  }
  return bad;
}

const MYSQL_OUTAGE: Drill = {
  id: 'mysql-outage',
  title: 'MySQL unreachable for a few seconds',
  async inject(ctx) {
    await ctx.proxy.cut();
    const at = Date.now();
    const seconds = ctx.profile.mysqlOutageSeconds;
    return {
      at,
      note: `every connection to MariaDB reset and new ones refused for ${seconds} s (the stack's proxy), then restored`,
      restore: async () => {
        await sleep(seconds * 1000);
        await ctx.proxy.restore();
      },
      checks: () => {
        const fault = ctx.witness.tallies().fault;
        const writes = sumTallies([fault.orders, fault.deletes]);
        const problems: string[] = [];
        const wrongStatus = Object.entries(writes.reasons).filter(
          ([reason]) => /^5\d\d$/.test(reason) && reason !== '503',
        );
        for (const [status, count] of wrongStatus)
          problems.push(`${count} writes answered ${status} during the outage (must be 503)`);
        if (fault.reports.failed > 0)
          problems.push(
            `${fault.reports.failed} report reads failed while only MySQL was down (${JSON.stringify(fault.reports.reasons)})`,
          );
        return Promise.resolve({
          problems,
          info: [`writes during the outage: ${writes.requests}, answered 503: ${writes.reasons['503'] ?? 0}`],
        });
      },
    };
  },
};

const RABBITMQ_RESTART: Drill = {
  id: 'rabbitmq-restart',
  title: 'RabbitMQ killed (-9) and restarted while orders flow',
  async inject(ctx) {
    await ctx.rabbit.kill();
    return {
      at: Date.now(),
      note: "the stack's RabbitMQ node killed -9, then started again on its data",
      restore: () => ctx.rabbit.start(),
    };
  },
};

const REDIS_LOSS: Drill = {
  id: 'redis-loss',
  title: 'Redis loses everything (killed, restarted empty)',
  async inject(ctx) {
    await ctx.redis.kill();
    const at = Date.now();
    await ctx.redis.start();
    return {
      at,
      note: "the stack's Redis killed -9 and started again empty (no persistence): projection, dedup keys, cache gone",
      probeReports: true,
      checks: () => {
        // "Reports answer from MySQL or 503": any other failure a client saw, from the fault on, is a problem.
        const { fault, after } = ctx.witness.tallies();
        const reports = sumTallies([fault.reports, after.reports]);
        const problems = Object.entries(reports.reasons)
          .filter(([reason]) => reason !== '503')
          .map(
            ([reason, count]) =>
              `${count} report reads answered ${reason} (a report answers from MySQL or 503)`,
          );
        return Promise.resolve({
          problems,
          info: [
            `report reads from the fault on: ${reports.requests}, answered 503: ${reports.reasons['503'] ?? 0}`,
          ],
        });
      },
    };
  },
};

/** In the order they run: the drills that leave no lasting harm first, Redis loss (the projection rebuilt) last. */
export const DRILLS: readonly Drill[] = [
  ORDERS_WRITE_CRASH_AFTER_COMMIT,
  ORDERS_WRITE_CRASH_MID_BATCH,
  PROJECTOR_KILL_MID_BATCH,
  DUPLICATE_AND_POISON,
  MYSQL_OUTAGE,
  RABBITMQ_RESTART,
  REDIS_LOSS,
];
