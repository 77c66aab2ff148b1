import { createGetReport, type GetReportDeps } from './get-report.use-case';
import type { CacheResult, CachedReport, ReportCache, ReportSource, SourceSnapshot } from './report';

/** In-memory stand-in for the shared cache port (Redis behaviour is covered by the integration tests). */
class MemoryCache implements ReportCache {
  readonly entries = new Map<string, CachedReport>();
  readonly locks = new Set<string>();
  read = (key: string) => Promise.resolve(this.entries.get(key));
  write = (key: string, entry: CachedReport) => Promise.resolve(void this.entries.set(key, entry));
  tryLock = (key: string) => {
    if (this.locks.has(key)) return Promise.resolve(undefined);
    this.locks.add(key);
    return Promise.resolve('token');
  };
  unlock = (key: string) => Promise.resolve(void this.locks.delete(key));
}

function setUp(overrides: Partial<GetReportDeps> = {}) {
  let clock = 1_000_000;
  let snapshot: SourceSnapshot = { candidates: [{ id: 1, name: 'Ada', score: 100 }], dataAsOf: 'T1' };
  const recomputes: string[] = [];
  const results: CacheResult[] = [];
  const source: ReportSource = { name: 'projection', candidates: () => Promise.resolve(snapshot) };
  const cache = new MemoryCache();
  const getReport = createGetReport({
    source,
    cache,
    ttlSeconds: 10,
    now: () => clock,
    instrumentCompute: (report, sourceName, compute) => {
      recomputes.push(report);
      expect(sourceName).toBe('projection');
      return compute();
    },
    onCacheResult: (_report, result) => void results.push(result),
    pause: () => Promise.resolve(),
    ...overrides,
  });
  return {
    getReport,
    cache,
    recomputes,
    results,
    advance: (ms: number) => void (clock += ms),
    setSnapshot: (next: SourceSnapshot) => void (snapshot = next),
  };
}

const query = { report: 'highest-spenders', limit: 10 } as const;

describe('get report', () => {
  test('When the cache is empty, then the answer is computed (MISS) and the next one is a HIT', async () => {
    const { getReport, recomputes, results, advance } = setUp();
    const first = await getReport(query);
    advance(3_000);
    const second = await getReport(query);
    expect(first).toMatchObject({ cache: 'MISS', ageSeconds: 0, maxAgeSeconds: 10, dataAsOf: 'T1' });
    expect(JSON.parse(first.body)).toEqual([{ user_id: 1, name: 'Ada', total_expense: 1 }]);
    expect(second).toMatchObject({ cache: 'HIT', body: first.body, ageSeconds: 3, maxAgeSeconds: 7 });
    expect(recomputes).toEqual(['highest-spenders']);
    expect(results).toEqual(['miss', 'hit']);
  });

  test('When many requests arrive together on a cold cache, then one computes and all share it', async () => {
    const { getReport, recomputes } = setUp();
    const answers = await Promise.all(Array.from({ length: 20 }, () => getReport(query)));
    expect(recomputes).toHaveLength(1);
    expect(answers.filter((a) => a.cache === 'MISS')).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
  });

  test('When the entry expired, then one request recomputes and the others get the stale answer', async () => {
    const { getReport, recomputes, results, advance, setSnapshot } = setUp();
    const old = await getReport(query);
    setSnapshot({ candidates: [{ id: 2, name: 'Alan', score: 500 }], dataAsOf: 'T2' });
    advance(10_000);
    const answers = await Promise.all(Array.from({ length: 10 }, () => getReport(query)));
    expect(recomputes).toHaveLength(2);
    const [miss, ...rest] = answers;
    expect(miss).toMatchObject({ cache: 'MISS', stale: false, dataAsOf: 'T2' });
    expect(
      rest.every((a) => a.cache === 'HIT' && a.stale && a.body === old.body && a.maxAgeSeconds === 0),
    ).toBe(true);
    expect([...results].sort()).toEqual(['miss', 'miss', ...Array<string>(9).fill('stale')]);
  });

  test('When another replica holds the lock and a previous answer exists, then it is served without computing', async () => {
    const { getReport, recomputes, results, advance, cache } = setUp();
    await getReport(query);
    advance(11_000);
    cache.locks.add('projection:highest-spenders:10');
    const answer = await getReport(query);
    expect(answer).toMatchObject({ cache: 'HIT', stale: true, ageSeconds: 11 });
    expect(recomputes).toHaveLength(1);
    expect(results).toEqual(['miss', 'stale']);
  });

  test('When another replica holds the lock and nothing is cached, then its result is awaited', async () => {
    const theirs: CachedReport = {
      body: '["theirs"]',
      computedAt: 1_000_000,
      expiresAt: 1_010_000,
      dataAsOf: null,
    };
    const cache = new MemoryCache();
    cache.locks.add('projection:highest-spenders:10');
    let polls = 0;
    const pause = () =>
      Promise.resolve(++polls === 3 && void cache.entries.set('projection:highest-spenders:10', theirs));
    const { getReport, recomputes, results } = setUp({ cache, pause });
    const answer = await getReport(query);
    expect(answer).toMatchObject({ cache: 'HIT', body: '["theirs"]' });
    expect(recomputes).toHaveLength(0);
    expect(results).toEqual(['hit']);
  });

  test('When the lock holder never delivers, then the waiter computes after a bounded wait', async () => {
    const cache = new MemoryCache();
    cache.locks.add('projection:highest-spenders:10');
    const { getReport, recomputes } = setUp({ cache });
    expect(await getReport(query)).toMatchObject({ cache: 'MISS' });
    expect(recomputes).toHaveLength(1);
  });

  test('When the TTL is 0, then every request computes and nothing is cached', async () => {
    const { getReport, recomputes, results, cache } = setUp({ ttlSeconds: 0 });
    const answers = [await getReport(query), await getReport(query)];
    expect(answers.every((a) => a.cache === 'MISS' && !a.cacheable && a.maxAgeSeconds === 0)).toBe(true);
    expect(recomputes).toHaveLength(2);
    expect(results).toEqual(['miss', 'miss']);
    expect(cache.entries.size).toBe(0);
  });

  test('When the source fails, then the error reaches the caller and no cache outcome is reported', async () => {
    const failing: ReportSource = {
      name: 'projection',
      candidates: () => Promise.reject(new Error('source down')),
    };
    const { getReport, recomputes, results } = setUp({ source: failing });
    await expect(getReport(query)).rejects.toThrow('source down');
    expect(recomputes).toEqual(['highest-spenders']);
    expect(results).toEqual([]);
  });

  test('When a stand-in source answered (the projection was missing), then the answer says so and is not cached', async () => {
    const { getReport, cache, setSnapshot, results } = setUp();
    setSnapshot({ candidates: [{ id: 7, name: 'Truth', score: 300 }], dataAsOf: 'now', servedBy: 'mysql' });
    const answers = await Promise.all([getReport(query), getReport(query)]);
    setSnapshot({ candidates: [{ id: 1, name: 'Ada', score: 100 }], dataAsOf: 'T1' });
    const back = await getReport(query);

    expect(answers.map((a) => [a.source, a.cacheable, a.maxAgeSeconds])).toEqual([
      ['mysql', false, 0],
      ['mysql', false, 0],
    ]);
    expect(JSON.parse(answers[0].body) as unknown).toEqual([{ user_id: 7, name: 'Truth', total_expense: 3 }]);
    expect(back).toMatchObject({ source: 'projection', cache: 'MISS', cacheable: true });
    expect([...cache.entries.values()].map((entry) => entry.dataAsOf)).toEqual(['T1']);
    expect(results[2]).toBe('miss');
  });

  test('When the lock holder lets the lock go without storing an answer, then a waiter takes the lock and computes', async () => {
    const cache = new MemoryCache();
    cache.locks.add('projection:highest-spenders:10');
    let polls = 0;
    const pause = () => Promise.resolve(++polls === 2 && void cache.locks.clear());
    const { getReport, recomputes } = setUp({ cache, pause });
    expect(await getReport(query)).toMatchObject({ cache: 'MISS' });
    expect(recomputes).toHaveLength(1);
    expect(polls).toBe(2);
  });
});
