import { Redis } from 'ioredis';
import { reportCacheKey } from '@store/contracts';
import { startInMemoryTracing, type InMemoryTracing } from '@store/testing';
import { cacheKeyOf } from '../src/domain/cache-policy';
import type { SourceName } from '../src/domain/report';
import { REDIS_URL, metricValue, seedProjection, startReports, prefixesOfThisFile } from './helpers';

const redis = new Redis(REDIS_URL);
const ownPrefix = prefixesOfThisFile(redis);
afterAll(() => redis.disconnect());

const SPENDERS = '/orders/reports/highest-spenders?limit=2';

describe('report metrics', () => {
  test.each<SourceName>(['projection', 'mysql'])(
    'When a %s report is missed, hit, served stale and recomputed, then /metrics counts each outcome and times each computation',
    async (source) => {
      // Arrange: a clock the test moves, so expiry needs no waiting.
      let clock = Date.parse('2026-11-27T12:00:00.000Z');
      const prefix = ownPrefix();
      await seedProjection(redis, prefix, { spenders: [{ id: 1, name: 'Ada', score: 1_000 }] });
      const reports = await startReports(
        { REDIS_KEY_PREFIX: prefix, REPORTS_SOURCE: source, REPORT_CACHE_TTL_SECONDS: '10' },
        () => clock,
      );
      // What another replica holds while it recomputes: with it taken, the expired answer is served stale.
      const otherReplicasLock = `${reportCacheKey(cacheKeyOf(source, 'highest-spenders', 2), prefix)}:lock`;
      const outcome = async () => {
        const answer = await reports.http.get(SPENDERS);
        expect(answer.status).toBe(200);
        return `${answer.headers.get('x-cache')} ${answer.headers.get('x-cache-status')}`;
      };
      const value = (name: string, labels: Record<string, string> = {}) =>
        metricValue(reports.server, name, labels);

      try {
        // Act
        const cold = await outcome();
        const warm = [await outcome(), await outcome()];
        clock += 10_000;
        await redis.set(otherReplicasLock, 'another-replica', 'PX', 5_000);
        const expired = await outcome();
        await redis.del(otherReplicasLock);
        const recomputed = await outcome();
        const afterwards = await outcome();

        // Assert: the counts follow the answers' own headers.
        expect([cold, ...warm, expired, recomputed, afterwards]).toEqual([
          'MISS FRESH',
          'HIT FRESH',
          'HIT FRESH',
          'HIT STALE',
          'MISS FRESH',
          'HIT FRESH',
        ]);
        expect({
          hit: await value('report_cache_requests_total', { result: 'hit' }),
          stale: await value('report_cache_requests_total', { result: 'stale' }),
          miss: await value('report_cache_requests_total', { result: 'miss' }),
        }).toEqual({ hit: 3, stale: 1, miss: 2 });
        const computed = { report: 'highest-spenders', source };
        expect(await value('report_recomputes_total', { report: 'highest-spenders' })).toBe(2);
        expect(await value('report_compute_duration_seconds_count', computed)).toBe(2);
        expect(await value('report_compute_duration_seconds_sum', computed)).toBeGreaterThan(0);
        expect(await value('highest_spenders_total')).toBe(6);
      } finally {
        await reports.server.stop();
      }
    },
  );
});

describe('report spans', () => {
  let tracing: InMemoryTracing;

  beforeAll(() => {
    tracing = startInMemoryTracing();
  });

  afterAll(async () => {
    await tracing.stop();
  });

  test('When a report is computed, then a "compute report" span names the report and source only; a hit adds none', async () => {
    const prefix = ownPrefix();
    await seedProjection(redis, prefix, { bestSellers: [{ id: 7, name: 'Widget', score: 3 }] });
    const reports = await startReports({ REDIS_KEY_PREFIX: prefix, REPORT_CACHE_TTL_SECONDS: '60' });
    try {
      const miss = await reports.http.get('/orders/reports/best-sellers');
      const hit = await reports.http.get('/orders/reports/best-sellers');

      expect([miss.headers.get('x-cache'), hit.headers.get('x-cache')]).toEqual(['MISS', 'HIT']);
      const computeSpans = tracing.spans().filter((span) => span.name === 'compute report');
      expect(computeSpans).toHaveLength(1);
      expect(computeSpans[0]!.attributes).toEqual({
        'report.name': 'best-sellers',
        'report.source': 'projection',
      });
    } finally {
      await reports.server.stop();
    }
  });
});
