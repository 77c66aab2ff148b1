import { z } from 'zod';
import { DEAD_LETTER_QUEUE, EXCHANGE, PROJECTOR_QUEUE } from '@store/contracts';
import { env, loadConfig, mysqlEnv } from '@store/service-kit';

const schema = z.object({
  HOST: env.string('127.0.0.1'),
  PORT: env.port(5001),
  ...mysqlEnv(10),
  MIGRATE_ON_START: env.bool(true),
  AMQP_URL: env.string('amqp://guest:guest@127.0.0.1:5672'),
  /** `n-plus-one` exists only to reproduce the lab's N+1 experiment. */
  PRODUCT_LOOKUP: z.enum(['batched', 'n-plus-one']).default('batched'),
  OUTBOX_RELAY_ENABLED: env.bool(true),
  /** The relay declares the projector's queues too, so events are kept even before the projector first runs. */
  EVENTS_EXCHANGE: env.string(EXCHANGE),
  PROJECTOR_QUEUE: env.string(PROJECTOR_QUEUE),
  DEAD_LETTER_QUEUE: env.string(DEAD_LETTER_QUEUE),
  OUTBOX_POLL_INTERVAL_MS: env.int(250, 10),
  OUTBOX_BATCH_SIZE: env.int(100, 1),
  OUTBOX_CONFIRM_TIMEOUT_MS: env.int(5000, 100),
  OUTBOX_MAX_BACKOFF_MS: env.int(30_000, 100),
  /** How often the outbox_pending_events / oldest-age gauges are recomputed (one count query per replica). */
  OUTBOX_BACKLOG_INTERVAL_MS: env.int(5000, 10),
});

export type Config = z.infer<typeof schema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config => loadConfig(schema, source);
