/*
 * The lab's configurations as data: each adds one change to the one before, so the report can say which change
 * helped and by how much. The values are the plain-process stack's switches (README "Switches").
 */

export type ConfigurationId = 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'C6';

export interface Configuration {
  id: ConfigurationId;
  /** What this configuration adds to the previous one (C1: the starting point). */
  adds: string;
  switches: Record<string, string>;
}

const C1: Record<string, string> = {
  REPORTS_SOURCE: 'mysql',
  PRODUCT_LOOKUP: 'n-plus-one',
  REPLICAS: '1',
  GATEWAY_CACHE: 'off',
  REPORT_CACHE_TTL_SECONDS: '0',
  ORDER_BATCHING: 'off',
};
const C2 = { ...C1, PRODUCT_LOOKUP: 'batched' };
const C3 = { ...C2, REPORTS_SOURCE: 'projection', REPORT_CACHE_TTL_SECONDS: '60' };
const C4 = { ...C3, REPLICAS: '3' };
const C5 = { ...C4, GATEWAY_CACHE: 'on' };
const C6 = { ...C5, ORDER_BATCHING: 'on' };

export const CONFIGURATIONS: readonly Configuration[] = [
  { id: 'C1', adds: 'reports computed on MySQL, N+1 product lookup, 1 replica, no cache', switches: C1 },
  { id: 'C2', adds: 'batched product lookup', switches: C2 },
  { id: 'C3', adds: 'reports from the Redis projection + report TTL cache (60 s)', switches: C3 },
  { id: 'C4', adds: 'nginx over 3 replicas of each service', switches: C4 },
  { id: 'C5', adds: 'gateway HTTP cache', switches: C5 },
  { id: 'C6', adds: 'group commit of orders (ORDER_BATCHING)', switches: C6 },
];

/*
 * All load comes from one address (this machine), so the gateway's per-client write limit (200 r/s, burst 100 by
 * default) would cap every run and hide what the services can do: the experiments raise it, and one extra run of
 * the best configuration at the default limit shows what the limit does.
 */
export const RAISED_WRITE_LIMIT = { GATEWAY_WRITE_RATE: '100000r/s', GATEWAY_WRITE_BURST: '100000' };
export const DEFAULT_WRITE_LIMIT = { GATEWAY_WRITE_RATE: '200r/s', GATEWAY_WRITE_BURST: '100' };

/** The ports, folders and names of the experiments' own stack, none of them a developer's or the e2e tier's. */
export interface StackPlace {
  gatewayUrl: string;
  projectorUrl: string;
  prometheusUrl: string;
  /** The first orders-write replica's port (the others follow). */
  ordersWriteBasePort: number;
  env: Record<string, string>;
}

/**
 * EXPERIMENTS_PORT_BASE (default 2) is the leading digit of every port: 2 → gateway 28080, services 25001/25101/
 * 25201, trace sink 24318. 1 is the e2e tier's (18080 …) and the default stack has none (8080 …). 3–5 are accepted
 * but fall inside Linux's default ephemeral range (32768–60999): the thousands of connections of a ramp then take
 * those ports as their local ends, and a replica of the next stack may find its port in use.
 */
export function stackPlace(stackDir: string, env: NodeJS.ProcessEnv = process.env): StackPlace {
  const base = env.EXPERIMENTS_PORT_BASE ?? '2';
  if (!/^[2-5]$/.test(base)) throw new Error(`EXPERIMENTS_PORT_BASE must be 2, 3, 4 or 5, got "${base}"`);
  const port = (rest: string) => `${base}${rest}`;
  // Another port base is another run at the same time: its data, keys and queues are its own too.
  const own = base === '2' ? '' : base;
  const names = {
    MYSQL_DATABASE: env.EXPERIMENTS_DATABASE ?? `store_manager_experiments${own && `_${own}`}`,
    REDIS_KEY_PREFIX: `experiments${own}:`,
    EVENTS_EXCHANGE: `store.events.experiments${own}`,
    PROJECTOR_QUEUE: `projector.orders.experiments${own}`,
    DEAD_LETTER_QUEUE: `projector.orders.experiments${own}.dead-letter`,
  };
  return {
    gatewayUrl: `http://127.0.0.1:${port('8080')}`,
    projectorUrl: `http://127.0.0.1:${port('5201')}`,
    prometheusUrl: `http://127.0.0.1:${port('9090')}`,
    ordersWriteBasePort: Number(port('5001')),
    env: {
      STACK_DIR: stackDir,
      GATEWAY_PORT: port('8080'),
      GATEWAY_STATUS_PORT: port('8081'),
      PROMETHEUS_PORT: port('9090'),
      ORDERS_WRITE_BASE_PORT: port('5001'),
      REPORTS_READ_BASE_PORT: port('5101'),
      PROJECTOR_PORT: port('5201'),
      TRACE_SINK_PORT: port('4318'),
      ...names,
      // Each configuration starts from the same data (seed only), so no one inherits another's orders.
      STACK_RESET_DATA: 'yes',
      // The report's Prometheus graphs come from each run's own Prometheus; steps last seconds, so scrape often.
      STACK_PROMETHEUS: 'yes',
      PROMETHEUS_SCRAPE_INTERVAL: '1s',
      STACK_BUILD: 'no',
      LOG_LEVEL: 'warn',
    },
  };
}
