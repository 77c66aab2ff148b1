import { Redis } from 'ioredis';
import { projectionKeys } from '@store/contracts';
import type { JsonResponse } from '@store/testing';
import {
  REDIS_URL,
  metricValue,
  pollUntil,
  seedProjection,
  startReports,
  prefixesOfThisFile,
} from './helpers';

const redis = new Redis(REDIS_URL);
const ownPrefix = prefixesOfThisFile(redis);
afterAll(() => redis.disconnect());

const SPENDERS = '/orders/reports/highest-spenders?limit=2';
const recomputes = (instance: Awaited<ReturnType<typeof startReports>>) =>
  metricValue(instance.server, 'report_recomputes_total', { report: 'highest-spenders' });

describe('report cache with a TTL', () => {
  test('When the data changes within the TTL, then the cached answer is served with a growing Age; after the TTL the change shows', async () => {
    // Arrange
    const prefix = ownPrefix();
    await seedProjection(redis, prefix, { spenders: [{ id: 1, name: 'Ada', score: 1_000 }] });
    const reports = await startReports({ REDIS_KEY_PREFIX: prefix, REPORT_CACHE_TTL_SECONDS: '2' });
    try {
      // Act: the first answer is computed, then the projection changes behind the cache.
      const first = await reports.http.get(SPENDERS);
      await redis.zincrby(projectionKeys(1, prefix).spenders, 5_000, '2');
      await redis.hset(projectionKeys(1, prefix).userNames, '2', 'Alan');
      const cachedLater = await pollUntil(async () => {
        const answer = await reports.http.get(SPENDERS);
        expect(answer.body).toEqual(first.body); // never the change while the entry is fresh
        return Number(answer.headers.get('age')) >= 1 ? answer : undefined;
      }, 3_000);
      const changed = await pollUntil(async () => {
        const answer = await reports.http.get(SPENDERS);
        return JSON.stringify(answer.body) === JSON.stringify(first.body) ? undefined : answer;
      }, 5_000);

      // Assert
      expect(first.body).toEqual([{ user_id: 1, name: 'Ada', total_expense: 10 }]);
      // max-age is rounded down (a gateway must not keep the answer past the TTL): 2, or 1 if a millisecond passed.
      expect(headersOf(first)).toEqual({
        cache: 'MISS',
        status: 'FRESH',
        age: '0',
        control: expect.stringMatching(/^max-age=[12]$/),
      });
      expect(headersOf(cachedLater)).toEqual({
        cache: 'HIT',
        status: 'FRESH',
        age: '1',
        control: 'max-age=0',
      });
      expect(changed.body).toEqual([
        { user_id: 2, name: 'Alan', total_expense: 50 },
        { user_id: 1, name: 'Ada', total_expense: 10 },
      ]);
      expect(headersOf(changed)).toEqual({
        cache: 'MISS',
        status: 'FRESH',
        age: '0',
        control: expect.stringMatching(/^max-age=[12]$/),
      });
      expect(await recomputes(reports)).toBe(2);
    } finally {
      await reports.server.stop();
    }
  });

  test('When different limits are asked, then each limit has its own entry', async () => {
    const prefix = ownPrefix();
    await seedProjection(redis, prefix, {
      spenders: [
        { id: 1, name: 'Ada', score: 300 },
        { id: 2, name: 'Adele', score: 200 },
      ],
    });
    const reports = await startReports({ REDIS_KEY_PREFIX: prefix, REPORT_CACHE_TTL_SECONDS: '60' });
    try {
      const two = await reports.http.get('/orders/reports/highest-spenders?limit=2');
      const one = await reports.http.get('/orders/reports/highest-spenders?limit=1');
      expect([two.body.length, one.body.length]).toEqual([2, 1]);
      expect([two.headers.get('x-cache'), one.headers.get('x-cache')]).toEqual(['MISS', 'MISS']);
    } finally {
      await reports.server.stop();
    }
  });

  test('When the TTL is 0, then every request recomputes and the answer says no-store', async () => {
    const prefix = ownPrefix();
    const reports = await startReports({ REDIS_KEY_PREFIX: prefix, REPORT_CACHE_TTL_SECONDS: '0' });
    try {
      const answers = [await reports.http.get(SPENDERS), await reports.http.get(SPENDERS)];
      expect(answers.map(headersOf)).toEqual([
        { cache: 'MISS', status: null, age: '0', control: 'no-store' },
        { cache: 'MISS', status: null, age: '0', control: 'no-store' },
      ]);
      expect(await recomputes(reports)).toBe(2);
      expect(await redis.keys(`${prefix}report-cache:*`)).toEqual([]);
    } finally {
      await reports.server.stop();
    }
  });
});

describe('one recompute per expiry across replicas', () => {
  // Both replicas read one controllable clock, so "the moment of expiry" needs no waiting.
  let clock = Date.parse('2026-11-27T12:00:00.000Z');
  const now = () => clock;
  const prefix = ownPrefix();
  let a: Awaited<ReturnType<typeof startReports>>;
  let b: Awaited<ReturnType<typeof startReports>>;
  const burst = (count: number) =>
    Promise.all(Array.from({ length: count }, (_, i) => (i % 2 ? b : a).http.get(SPENDERS)));
  const totalRecomputes = async () => (await recomputes(a)) + (await recomputes(b));

  beforeAll(async () => {
    await seedProjection(redis, prefix, { spenders: [{ id: 1, name: 'Ada', score: 1_000 }] });
    const env = { REDIS_KEY_PREFIX: prefix, REPORT_CACHE_TTL_SECONDS: '10' };
    [a, b] = await Promise.all([startReports(env, now), startReports(env, now)]);
  });

  afterAll(async () => {
    await Promise.all([a.server.stop(), b.server.stop()]);
  });

  test('When 100 requests hit a cold cache on two replicas, then exactly one computes and all get its answer', async () => {
    const answers = await burst(100);

    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body)))).toEqual(
      new Set([JSON.stringify([{ user_id: 1, name: 'Ada', total_expense: 10 }])]),
    );
    expect(answers.filter((answer) => answer.headers.get('x-cache') === 'MISS')).toHaveLength(1);
    expect(await totalRecomputes()).toBe(1);
  });

  test('When 100 requests arrive at expiry on two replicas, then exactly one recomputes and the rest get the previous answer', async () => {
    // Arrange: the entry from the previous test expires and the data changes.
    const before = await totalRecomputes();
    await redis.zincrby(projectionKeys(1, prefix).spenders, 5_000, '2');
    await redis.hset(projectionKeys(1, prefix).userNames, '2', 'Alan');
    clock += 10_000;

    // Act
    const answers = await burst(100);

    // Assert
    const fresh = JSON.stringify([
      { user_id: 2, name: 'Alan', total_expense: 50 },
      { user_id: 1, name: 'Ada', total_expense: 10 },
    ]);
    const old = JSON.stringify([{ user_id: 1, name: 'Ada', total_expense: 10 }]);
    const misses = answers.filter((answer) => answer.headers.get('x-cache') === 'MISS');
    expect(await totalRecomputes()).toBe(before + 1);
    expect(misses).toHaveLength(1);
    expect(JSON.stringify(misses[0]!.body)).toBe(fresh);
    for (const answer of answers) {
      expect([old, fresh]).toContain(JSON.stringify(answer.body));
      if (JSON.stringify(answer.body) === old)
        expect(headersOf(answer)).toMatchObject({ status: 'STALE', age: '10' });
    }
    const after = await Promise.all([a.http.get(SPENDERS), b.http.get(SPENDERS)]);
    expect(after.map((answer) => [JSON.stringify(answer.body), answer.headers.get('x-cache')])).toEqual([
      [fresh, 'HIT'],
      [fresh, 'HIT'],
    ]);
  });
});

function headersOf(answer: JsonResponse) {
  return {
    cache: answer.headers.get('x-cache'),
    status: answer.headers.get('x-cache-status'),
    age: answer.headers.get('age'),
    control: answer.headers.get('cache-control'),
  };
}
