import { Redis } from 'ioredis';
import { uniqueEmail, uniqueName, uniqueSku, type HttpClient, type RequestOptions } from '@store/testing';
import { COMMON_ERROR_STATUS } from '@store/service-kit/errors';
import { answerValidator } from '../../tools/openapi/src/answer-validator';
import { ORDER_ERROR_STATUS } from '../../services/orders-write/src/domain/errors';
import { listOperations, loadDocument } from '../../tools/openapi/src/document';
import { startTestService, type TestService } from '../../services/orders-write/test/helpers';
import {
  CLOSED_PORT,
  REDIS_URL,
  deleteKeys,
  seedProjection,
  startReports,
  uniquePrefix,
} from '../../services/reports-read/test/helpers';

/*
 * The contract test: real answers of orders-write and reports-read, started in-process as every stack starts them,
 * checked against docs/api/openapi.yaml, so the document cannot drift from the code. Every operation is called for
 * its success and for each error a service gives on its own; RATE_LIMITED and the gateway's headers come from
 * nginx and are checked through it (test/e2e/api-docs.e2e.test.ts).
 */
const document = loadDocument();
const validator = answerValidator(document);
const redis = new Redis(REDIS_URL);
const prefix = uniquePrefix();
const codesSeen = new Set<string>();
const json = { 'content-type': 'application/json' };

let write: TestService;
let reports: Awaited<ReturnType<typeof startReports>>;
let reportsWithoutMysql: Awaited<ReturnType<typeof startReports>>;

/** Sends one request and expects its answer to match the document; returns the answer for further checks. */
async function call(api: HttpClient, method: string, url: string, options: RequestOptions = {}) {
  const answer = await api.send(method, url, options);
  expect(validator.problems({ method, url, ...answer })).toEqual([]);
  if (typeof answer.body?.code === 'string') codesSeen.add(answer.body.code as string);
  return answer;
}

beforeAll(async () => {
  write = await startTestService();
  await seedProjection(redis, prefix, {
    spenders: [{ id: 1, name: 'Ada Lovelace', score: 123_456 }],
    bestSellers: [{ id: 2, name: 'Keyboard DEF', score: 7 }],
    dataAsOf: new Date().toISOString(),
  });
  reports = await startReports({ REDIS_KEY_PREFIX: prefix, REPORT_CACHE_TTL_SECONDS: '60' });
  reportsWithoutMysql = await startReports({
    REPORTS_SOURCE: 'mysql',
    MYSQL_PORT: String(CLOSED_PORT),
    REDIS_KEY_PREFIX: uniquePrefix(),
  });
});

afterAll(async () => {
  await write?.stop();
  await reports?.server.stop();
  await reportsWithoutMysql?.server.stop();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe('The API contract (docs/api/openapi.yaml) against the running services', () => {
  test('When users are created, read and deleted, then every answer matches the document', async () => {
    const api = write.api;
    const email = uniqueEmail();
    const created = await call(api, 'POST', '/users', { json: { name: uniqueName('Contract'), email } });
    expect(created.status).toBe(201);
    const id = created.body.user_id as number;
    expect((await call(api, 'GET', `/users/${id}`)).status).toBe(200);
    expect((await call(api, 'POST', '/users', { json: { name: 'Again', email } })).status).toBe(409);
    expect((await call(api, 'POST', '/users', { json: { name: '', email: 'not-an-email' } })).status).toBe(
      400,
    );
    expect((await call(api, 'POST', '/users', { raw: '{"name":', headers: json })).status).toBe(400);
    expect(
      (await call(api, 'POST', '/users', { raw: 'name=x', headers: { 'content-type': 'text/plain' } }))
        .status,
    ).toBe(415);
    const huge = JSON.stringify({ name: 'x'.repeat(70_000), email });
    expect((await call(api, 'POST', '/users', { raw: huge, headers: json })).status).toBe(413);
    expect((await call(api, 'GET', '/users/abc')).status).toBe(400);
    expect((await call(api, 'DELETE', `/users/${id}`)).status).toBe(200);
    expect((await call(api, 'GET', `/users/${id}`)).status).toBe(404);
    expect((await call(api, 'DELETE', `/users/${id}`)).status).toBe(404);
  });

  test('When products and stock levels are written and read, then every answer matches the document', async () => {
    const api = write.api;
    const product = await call(api, 'POST', '/products', {
      json: { name: uniqueName('Contract Product'), sku: uniqueSku(), price: 12.5 },
    });
    expect(product.status).toBe(201);
    const id = product.body.product_id as number;
    expect((await call(api, 'GET', `/products/${id}`)).status).toBe(200);
    expect(
      (await call(api, 'POST', '/products', { json: { name: 'P', sku: 'S', price: 1.234 } })).status,
    ).toBe(400);
    expect((await call(api, 'POST', '/stocks', { json: { product_id: id, quantity: 5 } })).status).toBe(201);
    expect(
      (await call(api, 'POST', '/stocks', { json: { product_id: 2_147_483_000, quantity: 5 } })).status,
    ).toBe(422);
    expect((await call(api, 'GET', `/stocks/${id}`)).status).toBe(200);
    expect((await call(api, 'GET', '/stocks/reports/overview-stocks')).status).toBe(200);
    expect((await call(api, 'DELETE', `/products/${id}`)).status).toBe(200);
    expect((await call(api, 'GET', `/products/${id}`)).status).toBe(404);
    expect((await call(api, 'GET', `/stocks/${id}`)).status).toBe(404);
    expect((await call(api, 'DELETE', `/products/${id}`)).status).toBe(404);
  });

  test('When suppliers query stock over GraphQL, then results, GraphQL errors and bad bodies match the document', async () => {
    const api = write.api;
    const query =
      'query($id: ID!) { product(id: $id) { id name sku price quantity } stockLevel(productId: $id) }';
    const found = await call(api, 'POST', '/stocks/graphql-query', {
      json: { query, variables: { id: '1' } },
    });
    expect(found.body.data.product).toMatchObject({ id: '1', sku: 'LP12567' });
    const unknown = await call(api, 'POST', '/stocks/graphql-query', {
      json: { query, variables: { id: '0' } },
    });
    expect(unknown.body.data).toEqual({ product: null, stockLevel: null });
    const invalid = await call(api, 'POST', '/stocks/graphql-query', { json: { query: '{ nope' } });
    expect(invalid.body.errors).toHaveLength(1);
    expect((await call(api, 'POST', '/stocks/graphql-query', { json: { variables: {} } })).status).toBe(400);
  });

  test('When orders are placed, replayed, refused, listed and deleted, then every answer matches the document', async () => {
    const api = write.api;
    const user = (
      await call(api, 'POST', '/users', { json: { name: uniqueName('Buyer'), email: uniqueEmail() } })
    ).body.user_id as number;
    const product = (
      await call(api, 'POST', '/products', { json: { name: 'Thing', sku: uniqueSku(), price: 2.25 } })
    ).body.product_id as number;
    await call(api, 'POST', '/stocks', { json: { product_id: product, quantity: 3 } });
    const order = { user_id: user, items: [{ product_id: product, quantity: 1 }] };
    const key = { 'idempotency-key': `contract-${uniqueSku()}` };

    const placed = await call(api, 'POST', '/orders', { json: order, headers: key });
    expect(placed.status).toBe(201);
    const replay = await call(api, 'POST', '/orders', { json: order, headers: key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const reused = { json: { ...order, items: [{ product_id: product, quantity: 2 }] }, headers: key };
    expect((await call(api, 'POST', '/orders', reused)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(
      (await call(api, 'POST', '/orders', { json: { ...order, user_id: 2_147_483_000 } })).body.code,
    ).toBe('UNKNOWN_USER');
    const unknownProduct = { ...order, items: [{ product_id: 2_147_483_000, quantity: 1 }] };
    expect((await call(api, 'POST', '/orders', { json: unknownProduct })).body.code).toBe('UNKNOWN_PRODUCT');
    const tooMany = { ...order, items: [{ product_id: product, quantity: 1000 }] };
    expect((await call(api, 'POST', '/orders', { json: tooMany })).body.code).toBe('INSUFFICIENT_STOCK');
    expect((await call(api, 'POST', '/orders', { json: { user_id: user, items: [] } })).status).toBe(400);

    const id = placed.body.order_id as number;
    expect((await call(api, 'GET', `/orders?user_id=${user}&limit=1`)).body.orders).toHaveLength(1);
    expect((await call(api, 'GET', '/orders?limit=0')).status).toBe(400);
    expect((await call(api, 'GET', `/orders/${id}`)).status).toBe(200);
    expect((await call(api, 'DELETE', `/products/${product}`)).body.code).toBe('PRODUCT_IN_USE');
    expect((await call(api, 'DELETE', `/orders/${id}`)).status).toBe(200);
    expect((await call(api, 'GET', `/orders/${id}`)).status).toBe(404);
    expect((await call(api, 'DELETE', `/orders/${id}`)).status).toBe(404);
  });

  test('When reports are read, cached, refused and unavailable, then every answer matches the document', async () => {
    for (const report of ['highest-spenders', 'best-sellers']) {
      const first = await call(reports.http, 'GET', `/orders/reports/${report}?limit=5`);
      expect(first.body).toHaveLength(1);
      expect(
        (await call(reports.http, 'GET', `/orders/reports/${report}?limit=5`)).headers.get('x-cache'),
      ).toBe('HIT');
      expect((await call(reports.http, 'GET', `/orders/reports/${report}?limit=101`)).status).toBe(400);
      expect((await call(reportsWithoutMysql.http, 'GET', `/orders/reports/${report}`)).status).toBe(503);
    }
    expect((await call(reports.http, 'GET', '/health-check')).status).toBe(200);
  });

  test('When all the above ran, then every operation and every error code a service gives was checked', () => {
    for (const { operation } of listOperations(document)) {
      const success = Object.keys(operation.responses).find((status) => status.startsWith('2'));
      expect(validator.checked).toContain(`${operation.operationId} ${success}`);
    }
    const codes = (document.components?.schemas?.ErrorCode as { enum: string[] }).enum;
    const fromNginxOrNowhere = ['RATE_LIMITED', 'INTERNAL'];
    expect([...codesSeen].sort()).toEqual(codes.filter((code) => !fromNginxOrNowhere.includes(code)).sort());
  });

  test('When the document is read, then it lists every error code of the services with its status', () => {
    // every code a client can get: the ones every service shares and orders-write's own (no other has any)
    const statuses: Record<string, number> = { ...COMMON_ERROR_STATUS, ...ORDER_ERROR_STATUS };
    const schemas = document.components?.schemas as Record<string, { enum?: string[] }>;
    expect([...(schemas.ErrorCode?.enum ?? [])].sort()).toEqual(Object.keys(statuses).sort());
    const text = JSON.stringify(document);
    for (const [code, status] of Object.entries(statuses)) expect(text).toContain(`${code}\` ${status}`);
  });
});
