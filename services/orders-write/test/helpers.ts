import { randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import mysql from 'mysql2/promise';
import { createLogger } from '@store/observability';
import {
  httpClient,
  uniqueEmail,
  uniqueName,
  uniqueSku,
  type HttpClient,
  testDatabase,
} from '@store/testing';
import { readConfig } from '../src/config';
import { adminSettings } from './run-database';
import { start, type OrdersWrite, type Overrides } from '../src/app';

export interface TestService {
  service: OrdersWrite;
  api: HttpClient;
  stop(): Promise<void>;
}

/**
 * orders-write in-process through app.ts `start`, as every stack starts it, on a free port and the test database;
 * the relay is off unless a test turns it on.
 */
export async function startTestService(
  env: Record<string, string> = {},
  overrides: Overrides = {},
): Promise<TestService> {
  const config = readConfig({
    ...process.env,
    PORT: '0',
    MYSQL_DATABASE: testDatabase(),
    MIGRATE_ON_START: 'false',
    OUTBOX_RELAY_ENABLED: 'false',
    ...env,
  });
  const logger = createLogger('orders-write-test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const service = await start(config, { logger, ...overrides });
  return { service, api: httpClient(service.url), stop: () => service.stop() };
}

/** Direct SQL for assertions on the stored state (the API is what is tested; this checks what it left). */
export async function openSql(): Promise<mysql.Connection> {
  return mysql.createConnection({ ...adminSettings(), database: testDatabase() });
}

export async function count(sql: mysql.Connection, query: string, params: unknown[] = []): Promise<number> {
  const [rows] = await sql.query<mysql.RowDataPacket[]>(query, params);
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

export async function createUser(api: HttpClient): Promise<{ user_id: number; name: string; email: string }> {
  const response = await api.post('/users', { name: uniqueName('Test User'), email: uniqueEmail() });
  expect(response.status).toBe(201);
  return response.body;
}

/** A product with its own stock level, so tests never compete for the seed products' stock. */
export async function createProduct(api: HttpClient, price: number, stock: number): Promise<number> {
  const created = await api.post('/products', { name: uniqueName('Test Product'), sku: uniqueSku(), price });
  expect(created.status).toBe(201);
  const productId = created.body.product_id as number;
  const stocked = await api.post('/stocks', { product_id: productId, quantity: stock });
  expect(stocked.status).toBe(201);
  return productId;
}

export async function stockOf(api: HttpClient, productId: number): Promise<number> {
  const response = await api.get(`/stocks/${productId}`);
  expect(response.status).toBe(200);
  return response.body.quantity as number;
}

export interface ServiceAndSql {
  app: TestService;
  sql: mysql.Connection;
}

/** One service and one SQL connection for a whole test file, opened before its tests and closed after. */
export function useServiceAndSql(env: Record<string, string> = {}): ServiceAndSql {
  const context = {} as ServiceAndSql;
  beforeAll(async () => {
    context.app = await startTestService(env);
    context.sql = await openSql();
  });
  afterAll(async () => {
    await context.sql.end();
    await context.app.stop();
  });
  return context;
}

export interface RelayTopology {
  /** Settings that turn the relay on, publishing to this run's own exchange and queues. */
  env: Record<string, string>;
  /** Deletes the exchange and queues (after the service stopped). */
  remove(): Promise<void>;
}

/** A relay of its own for a test file, so neither a running stack nor another test run sees its events. */
export function ownRelayTopology(): RelayTopology {
  const run = randomUUID().slice(0, 8);
  const env = {
    OUTBOX_RELAY_ENABLED: 'true',
    OUTBOX_POLL_INTERVAL_MS: '50',
    EVENTS_EXCHANGE: `test.store.events.${run}`,
    PROJECTOR_QUEUE: `test.projector.${run}`,
    DEAD_LETTER_QUEUE: `test.projector.dead-letter.${run}`,
  };
  const remove = async () => {
    const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
    const channel = await connection.createChannel();
    await channel.deleteQueue(env.PROJECTOR_QUEUE);
    await channel.deleteQueue(env.DEAD_LETTER_QUEUE);
    await channel.deleteExchange(env.EVENTS_EXCHANGE);
    await connection.close();
  };
  return { env, remove };
}
