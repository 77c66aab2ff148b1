import {
  PROJECTION_HASH_TAG,
  projectionControlKeys,
  projectionKeys,
  reportCacheKey,
  reportCacheLockKey,
} from './projection-keys';

/** The part of a key Redis Cluster hashes: the first {…} with something inside, else the whole key. */
function hashedPart(key: string): string {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('projection keys', () => {
  test.each(['store:', 'test:projector:ab12:', ''])(
    'When the prefix is %p, then every projection key of every version hashes to the same slot',
    (prefix) => {
      const keys = [
        ...Object.values(projectionControlKeys(prefix)),
        ...[1, 2, 37].flatMap((version) => Object.values(projectionKeys(version, prefix))),
        `${projectionKeys(2, prefix).appliedEventPrefix}0b8f2c1e-4a3d-4c55-9f1e-2b7d6a9c8e01`,
      ];
      expect(new Set(keys.map(hashedPart))).toEqual(new Set([PROJECTION_HASH_TAG.slice(1, -1)]));
      for (const key of keys) expect(key.startsWith(prefix)).toBe(true);
    },
  );

  test('When two versions are named, then no key of one is a key of the other', () => {
    const [two, twelve] = [projectionKeys(2), projectionKeys(12)];
    for (const key of Object.values(twelve)) expect(key.startsWith(two.everyKeyPrefix)).toBe(false);
  });

  test('When a report cache entry and its lock are named, then they hash by their own names (no shared tag)', () => {
    const entry = reportCacheKey('projection:best-sellers:10', 'store:');
    expect(entry).toBe('store:report-cache:projection:best-sellers:10');
    expect(reportCacheLockKey('projection:best-sellers:10', 'store:')).toBe(`${entry}:lock`);
    expect(hashedPart(entry)).toBe(entry);
  });
});
