import { join } from 'node:path';
import { repoRoot } from '@store/service-kit/repo-root';

/*
 * The chaos stack: a plain-process stack (infra/local/start.sh) of its own, beside a developer's `npm start` and
 * the e2e tier's, on ports 21xxx, with its own MySQL database, Redis key prefix and RabbitMQ names (as
 * test/e2e/stack.ts isolates the e2e stack). Unlike those, its Redis and RabbitMQ are dedicated processes this
 * tool starts (the drills kill them; the machine's shared ones are never touched), and it reaches MariaDB through
 * a TCP proxy this tool can cut. Every port and name is here, and only here.
 */

export const HOST = '127.0.0.1';

export const PORTS = {
  gateway: 21080,
  gatewayStatus: 21081,
  ordersWriteBase: 21001,
  reportsReadBase: 21101,
  projector: 21201,
  prometheus: 21090,
  traceSink: 21318,
  redis: 21379,
  rabbitmq: 21672,
  rabbitmqDist: 21673,
  mysqlProxy: 21306,
} as const;

export const REPLICAS = 2;
export const MYSQL_DATABASE = 'store_manager_chaos';
export const REDIS_KEY_PREFIX = 'chaos:';
export const EVENTS_EXCHANGE = 'store.events.chaos';
export const PROJECTOR_QUEUE = 'projector.orders.chaos';
export const DEAD_LETTER_QUEUE = 'projector.orders.chaos.dead-letter';
export const RABBITMQ_NODE = 'chaos@localhost';
/** Short, so that the reports the checker reads after a drill are computed after the pipeline went idle. */
export const REPORT_TTL_SECONDS = 1;

/** Where MariaDB really is (the proxy's upstream, and the checker's own direct connection). */
export const MYSQL = {
  host: process.env.MYSQL_HOST ?? HOST,
  port: Number(process.env.MYSQL_PORT ?? 3306),
  user: process.env.MYSQL_USER ?? 'root',
  password: process.env.MYSQL_PASSWORD ?? '',
};

export const GATEWAY_URL = `http://${HOST}:${PORTS.gateway}`;
export const REDIS_URL = `redis://${HOST}:${PORTS.redis}`;
export const AMQP_URL = `amqp://guest:guest@${HOST}:${PORTS.rabbitmq}`;

export interface StackPaths {
  root: string;
  stackDir: string;
  pids: string;
  supervisor: string;
  logs: string;
  /** Where a drill arms an orders-write crash point (FAULT_INJECTION_DIR). */
  faults: string;
  redis: string;
  rabbitmq: string;
}

export function stackPaths(root = repoRoot()): StackPaths {
  const stackDir = join(root, '.run/chaos');
  return {
    root,
    stackDir,
    pids: join(stackDir, 'pids'),
    supervisor: join(stackDir, 'supervisor'),
    logs: join(stackDir, 'logs'),
    faults: join(stackDir, 'faults'),
    redis: join(stackDir, 'redis'),
    rabbitmq: join(stackDir, 'rabbitmq'),
  };
}

/** One service process of the stack, as infra/local/lib.sh names it (its pid file and log are named after it). */
export interface ServiceInstance {
  name: string;
  port: number;
}

export function serviceInstances(): ServiceInstance[] {
  const replicas = (name: string, base: number) =>
    Array.from({ length: REPLICAS }, (_, i) => ({ name: `${name}-${i + 1}`, port: base + i }));
  return [
    ...replicas('orders-write', PORTS.ordersWriteBase),
    ...replicas('reports-read', PORTS.reportsReadBase),
    { name: 'projector-1', port: PORTS.projector },
  ];
}

/** The environment start.sh / stop.sh (and through them every service) run with. */
export function stackEnv(paths: StackPaths): Record<string, string> {
  return {
    STACK_DIR: paths.stackDir,
    // `npm run chaos` built the whole tree just before (prechaos): the tool and the services it drills run the
    // same build, contracts included.
    STACK_BUILD: 'no',
    STACK_PROMETHEUS: 'no',
    STACK_RESET_DATA: 'yes',
    GATEWAY_PORT: String(PORTS.gateway),
    GATEWAY_STATUS_PORT: String(PORTS.gatewayStatus),
    PROMETHEUS_PORT: String(PORTS.prometheus),
    ORDERS_WRITE_BASE_PORT: String(PORTS.ordersWriteBase),
    REPORTS_READ_BASE_PORT: String(PORTS.reportsReadBase),
    PROJECTOR_PORT: String(PORTS.projector),
    TRACE_SINK_PORT: String(PORTS.traceSink),
    REPLICAS: String(REPLICAS),
    // Traces cost CPU on a shared 2-core machine and say nothing the checker needs.
    OTEL_SDK_DISABLED: 'true',
    MYSQL_HOST: HOST,
    MYSQL_PORT: String(PORTS.mysqlProxy),
    MYSQL_USER: MYSQL.user,
    MYSQL_PASSWORD: MYSQL.password,
    MYSQL_DATABASE,
    REDIS_URL,
    REDIS_KEY_PREFIX,
    AMQP_URL,
    EVENTS_EXCHANGE,
    PROJECTOR_QUEUE,
    DEAD_LETTER_QUEUE,
    REPORT_CACHE_TTL_SECONDS: String(REPORT_TTL_SECONDS),
    // What the clients see is what the services answer: no gateway cache serving stale answers over a fault,
    // and a write limit far above the drills' load (a 429 would be a failure the faults did not cause).
    GATEWAY_CACHE: 'off',
    GATEWAY_WRITE_RATE: '5000r/s',
    GATEWAY_WRITE_BURST: '2000',
    FAULT_INJECTION: 'crash-after-commit-before-publish,crash-mid-batch',
    FAULT_INJECTION_DIR: paths.faults,
    LOG_LEVEL: 'info',
  };
}
