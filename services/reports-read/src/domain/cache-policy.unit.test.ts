import { cacheKeyOf, freshness, keepForMs, newEntry } from './cache-policy';

const T0 = Date.parse('2026-11-27T12:00:00.000Z');

describe('cache freshness', () => {
  test('When just computed, then Age is 0 and max-age is the whole TTL', () => {
    const entry = newEntry('[]', null, T0, 60);
    expect(freshness(entry, T0)).toEqual({ fresh: true, ageSeconds: 0, maxAgeSeconds: 60 });
  });

  test('When time passes within the TTL, then Age grows and max-age shrinks in whole seconds, never past the TTL', () => {
    const entry = newEntry('[]', null, T0, 60);
    expect(freshness(entry, T0 + 1_999)).toEqual({ fresh: true, ageSeconds: 1, maxAgeSeconds: 58 });
    expect(freshness(entry, T0 + 2_000)).toEqual({ fresh: true, ageSeconds: 2, maxAgeSeconds: 58 });
    expect(freshness(entry, T0 + 59_000)).toEqual({ fresh: true, ageSeconds: 59, maxAgeSeconds: 1 });
    // In its last second the answer is still fresh here but must not be cached downstream.
    expect(freshness(entry, T0 + 59_999)).toEqual({ fresh: true, ageSeconds: 59, maxAgeSeconds: 0 });
  });

  test('When a gateway keeps the answer for max-age from any moment, then it never outlives the TTL', () => {
    const entry = newEntry('[]', null, T0, 60);
    for (let elapsed = 0; elapsed < 60_000; elapsed += 137) {
      const { maxAgeSeconds } = freshness(entry, T0 + elapsed);
      expect(T0 + elapsed + maxAgeSeconds * 1000).toBeLessThanOrEqual(entry.expiresAt);
    }
  });

  test('When the TTL has passed, then the entry is stale with max-age 0', () => {
    const entry = newEntry('[]', null, T0, 60);
    expect(freshness(entry, T0 + 60_000)).toEqual({ fresh: false, ageSeconds: 60, maxAgeSeconds: 0 });
    expect(freshness(entry, T0 + 90_500)).toEqual({ fresh: false, ageSeconds: 90, maxAgeSeconds: 0 });
  });

  test('When the clock of another replica is slightly behind, then Age is never negative', () => {
    expect(freshness(newEntry('[]', null, T0, 2), T0 - 300).ageSeconds).toBe(0);
  });

  test('When choosing the physical lifetime, then the stale copy outlives the TTL by at least a minute', () => {
    expect(keepForMs(2)).toBe(62_000);
    expect(keepForMs(60)).toBe(600_000);
    expect(keepForMs(600)).toBe(6_000_000);
  });

  test('When naming an entry, then source, report and limit each give a different key', () => {
    const keys = new Set([
      cacheKeyOf('projection', 'best-sellers', 10),
      cacheKeyOf('mysql', 'best-sellers', 10),
      cacheKeyOf('projection', 'highest-spenders', 10),
      cacheKeyOf('projection', 'best-sellers', 11),
    ]);
    expect(keys.size).toBe(4);
  });
});
