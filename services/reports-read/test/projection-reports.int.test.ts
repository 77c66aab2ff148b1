import { Redis } from 'ioredis';
import { CLOSED_PORT, REDIS_URL, deleteKeys, seedProjection, startReports, uniquePrefix } from './helpers';

describe('reports from the Redis projection', () => {
  const redis = new Redis(REDIS_URL);
  const prefix = uniquePrefix();
  let reports: Awaited<ReturnType<typeof startReports>>;

  beforeAll(async () => {
    reports = await startReports({ REDIS_KEY_PREFIX: prefix, REPORT_CACHE_TTL_SECONDS: '0' });
  });

  afterAll(async () => {
    await reports.server.stop();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  test('When spenders tie, then the answer is ranked by money then numeric user id, with exact money', async () => {
    // Arrange: ids 9, 10 and 100 tie; Redis alone would order them "10" < "100" < "9".
    await seedProjection(redis, prefix, {
      dataAsOf: '2026-11-27T10:00:00.000Z',
      spenders: [
        { id: 9, name: 'Nine', score: 5_000 },
        { id: 100, name: 'Hundred', score: 5_000 },
        { id: 10, name: 'Ten', score: 5_000 },
        { id: 3, name: 'Alan Turing', score: 199_999 },
        { id: 7, name: 'Seven', score: 1 },
      ],
    });

    // Act
    const answer = await reports.http.get('/orders/reports/highest-spenders?limit=3');

    // Assert: the tie straddles the limit, so the two smallest ids of the tie take the last places.
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([
      { user_id: 3, name: 'Alan Turing', total_expense: 1999.99 },
      { user_id: 9, name: 'Nine', total_expense: 50 },
      { user_id: 10, name: 'Ten', total_expense: 50 },
    ]);
    expect(answer.headers.get('x-report-source')).toBe('projection');
    expect(answer.headers.get('x-data-as-of')).toBe('2026-11-27T10:00:00.000Z');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('x-cache')).toBe('MISS');
  });

  test('When no limit is given, then the top 10 best sellers are listed with ties by product id', async () => {
    const bestSellers = Array.from({ length: 12 }, (_, i) => ({
      id: i + 1,
      name: `P${i + 1}`,
      score: i < 6 ? 7 : 3,
    }));
    await seedProjection(redis, prefix, { bestSellers: [...bestSellers, { id: 20, name: 'Top', score: 8 }] });

    const answer = await reports.http.get('/orders/reports/best-sellers');

    expect(answer.status).toBe(200);
    expect(answer.body.map((row: { product_id: number }) => row.product_id)).toEqual([
      20, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(answer.body[0]).toEqual({ product_id: 20, name: 'Top', quantity_sold: 8 });
  });

  test('When a member scores 0 or less (all its orders deleted), then it is not listed', async () => {
    const own = uniquePrefix();
    await seedProjection(redis, own, {
      spenders: [
        { id: 1, name: 'Ada', score: 0 },
        { id: 2, name: 'Adele', score: 300 },
        { id: 3, name: 'Alan', score: -5 },
      ],
    });
    const instance = await startReports({ REDIS_KEY_PREFIX: own, REPORT_CACHE_TTL_SECONDS: '0' });
    try {
      const answer = await instance.http.get('/orders/reports/highest-spenders?limit=10');
      expect(answer.body).toEqual([{ user_id: 2, name: 'Adele', total_expense: 3 }]);
    } finally {
      await instance.server.stop();
      await deleteKeys(redis, own);
    }
  });

  test('When the version pointer moves (rebuild), then the live version is read', async () => {
    const own = uniquePrefix();
    await seedProjection(redis, own, { spenders: [{ id: 1, name: 'Old', score: 100 }] });
    await seedProjection(redis, own, { version: 2, spenders: [{ id: 2, name: 'New', score: 100 }] });
    const instance = await startReports({ REDIS_KEY_PREFIX: own, REPORT_CACHE_TTL_SECONDS: '0' });
    try {
      const answer = await instance.http.get('/orders/reports/highest-spenders');
      expect(answer.body).toEqual([{ user_id: 2, name: 'New', total_expense: 1 }]);
    } finally {
      await instance.server.stop();
      await deleteKeys(redis, own);
    }
  });

  test('When the projection is complete but empty, then the answer is an empty array', async () => {
    const own = uniquePrefix();
    await seedProjection(redis, own, {});
    const instance = await startReports({ REDIS_KEY_PREFIX: own, REPORT_CACHE_TTL_SECONDS: '0' });
    try {
      const answer = await instance.http.get('/orders/reports/best-sellers?limit=5');
      expect(answer).toMatchObject({ status: 200, body: [] });
      expect(answer.headers.get('x-report-source')).toBe('projection');
      expect(answer.headers.get('x-data-as-of')).toBeNull();
    } finally {
      await instance.server.stop();
      await deleteKeys(redis, own);
    }
  });

  test('When there is no projection and no fallback, then 503 UNAVAILABLE, never an empty or partial report', async () => {
    const own = uniquePrefix();
    // a version with data but never made live: what a rebuild has half built, or what is left after a loss
    await seedProjection(redis, own, { live: false, spenders: [{ id: 1, name: 'Half', score: 100 }] });
    const instance = await startReports({
      REDIS_KEY_PREFIX: own,
      REPORTS_FALLBACK: 'none',
      REPORT_CACHE_TTL_SECONDS: '60',
    });
    try {
      const answer = await instance.http.get('/orders/reports/highest-spenders');
      expect(answer).toMatchObject({ status: 503, body: { code: 'UNAVAILABLE' } });
      expect(await redis.keys(`${own}report-cache:*`)).toEqual([]);
    } finally {
      await instance.server.stop();
      await deleteKeys(redis, own);
    }
  });

  test.each(['0', '101', '-1', 'ten', '2.5', '', '10abc'])(
    'When limit is %p, then 400 VALIDATION_FAILED in the API error shape',
    async (limit) => {
      const answer = await reports.http.get(`/orders/reports/highest-spenders?limit=${limit}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'limit' }] });
      expect(typeof answer.body.error).toBe('string');
    },
  );

  test('When limit is repeated, then 400 VALIDATION_FAILED', async () => {
    const answer = await reports.http.get('/orders/reports/best-sellers?limit=1&limit=2');
    expect(answer).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });

  test('When the routes are called, then their request counters count every call', async () => {
    const before = await reports.http.get('/metrics');
    await reports.http.get('/orders/reports/best-sellers?limit=2');
    await reports.http.get('/orders/reports/best-sellers?limit=0');
    const after = await reports.http.get<string>('/metrics');
    const count = (text: string) => Number(/^best_sellers_total\{[^}]*\} (\d+)$/m.exec(text)?.[1]);
    expect(count(after.body) - count(before.body as string)).toBe(2);
    expect(after.body).toMatch(/^highest_spenders_total\{/m);
    expect(after.body).toMatch(
      /^http_request_duration_seconds_count\{[^}]*route="\/orders\/reports\/best-sellers"/m,
    );
  });

  test('When Redis is unreachable, then reports answer 503 UNAVAILABLE and readiness fails', async () => {
    const down = await startReports({
      REDIS_URL: `redis://127.0.0.1:${CLOSED_PORT}`,
      REDIS_KEY_PREFIX: prefix,
    });
    try {
      const started = Date.now();
      const answer = await down.http.get('/orders/reports/highest-spenders');
      expect(answer.status).toBe(503);
      expect(answer.body).toEqual({ error: expect.any(String), code: 'UNAVAILABLE' });
      expect(Date.now() - started).toBeLessThan(3_000);
      const ready = await down.http.get('/health/ready');
      expect(ready).toMatchObject({
        status: 503,
        body: { code: 'UNAVAILABLE', checks: { redis: expect.any(String) } },
      });
      expect(ready.body.checks.redis).not.toBe('ok');
    } finally {
      await down.server.stop();
    }
  });

  test('When the projection keys exist under another prefix, then they are never read', async () => {
    await seedProjection(redis, prefix, { spenders: [{ id: 1, name: 'Elsewhere', score: 100 }] });
    const own = uniquePrefix();
    await seedProjection(redis, own, {});
    const other = await startReports({ REDIS_KEY_PREFIX: own, REPORT_CACHE_TTL_SECONDS: '0' });
    try {
      expect((await other.http.get('/orders/reports/highest-spenders')).body).toEqual([]);
    } finally {
      await other.server.stop();
      await deleteKeys(redis, own);
    }
  });
});
