import { httpClient } from '@store/testing';
import { GATEWAY, REPORT_TTL_SECONDS, waitFor } from './stack';

/**
 * The gateway caches reports as long as reports-read's `Cache-Control: max-age` (the origin's remaining TTL) says.
 * nginx keeps cache validity in whole seconds and expires an entry only once the clock is past it, so a HIT may be
 * served up to one second after max-age: that is the tolerance below. Once expired, the first request gets the
 * old answer marked STALE while nginx refreshes in the background (proxy_cache_background_update), never a HIT.
 */
const gateway = httpClient(GATEWAY);
const reportsReplica = httpClient('http://127.0.0.1:15101');
const GRANULARITY_MS = 1000;
const MARGIN_MS = 300;

const maxAgeOf = (headers: Headers) => Number(/max-age=(\d+)/.exec(headers.get('cache-control') ?? '')?.[1]);

/** Polls `path` through the gateway until it is no longer a HIT; returns when the last HIT was seen. */
async function lastHitAfter(path: string, missAt: number): Promise<{ lastHit: number; end: string }> {
  let lastHit = missAt;
  const end = await waitFor(
    'the gateway to stop serving a HIT',
    async () => {
      const response = await gateway.get(path);
      const status = response.headers.get('x-gateway-cache') ?? 'none';
      if (status !== 'HIT') return status;
      lastHit = Date.now();
      return undefined;
    },
    { timeoutMs: (REPORT_TTL_SECONDS + 4) * 1000, intervalMs: 50 },
  );
  return { lastHit, end };
}

describe('Gateway report cache (GATEWAY_CACHE=on)', () => {
  test('When a report is requested twice, then the second answer comes from the gateway cache', async () => {
    const path = `/orders/reports/highest-spenders?limit=${10 + Math.floor(Math.random() * 80)}`;

    const first = await gateway.get(path);
    const second = await gateway.get(path, { headers: { 'x-request-id': 'e2e-cached-read' } });

    expect(first.headers.get('x-gateway-cache')).toBe('MISS');
    expect(second.headers.get('x-gateway-cache')).toBe('HIT');
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('x-request-id')).toBe('e2e-cached-read');
  });

  test('When max-age runs out, then the report stops being a HIT', async () => {
    const path = `/orders/reports/best-sellers?limit=${10 + Math.floor(Math.random() * 80)}`;
    const miss = await gateway.get(path);
    const missAt = Date.now();
    const maxAge = maxAgeOf(miss.headers);
    expect(miss.headers.get('x-gateway-cache')).toBe('MISS');
    expect(maxAge).toBeLessThanOrEqual(REPORT_TTL_SECONDS);

    const { lastHit, end } = await lastHitAfter(path, missAt);

    expect(['STALE', 'EXPIRED', 'UPDATING', 'MISS']).toContain(end);
    expect(lastHit - missAt).toBeLessThan(maxAge * 1000 + GRANULARITY_MS + MARGIN_MS);
  });

  test('When the origin answer is already old (Age > 0), then the gateway does not keep it past its max-age', async () => {
    const path = `/orders/reports/highest-spenders?limit=${10 + Math.floor(Math.random() * 80)}`;
    // Warm reports-read's own cache directly, then wait until its answer has aged a second.
    await reportsReplica.get(path);
    await waitFor('the origin answer to age', async () => {
      const age = Number((await reportsReplica.get(path)).headers.get('age'));
      return age >= 1 ? age : undefined;
    });

    const miss = await gateway.get(path);
    const missAt = Date.now();
    const age = Number(miss.headers.get('age'));
    const maxAge = maxAgeOf(miss.headers);
    expect(miss.headers.get('x-gateway-cache')).toBe('MISS');
    expect(age).toBeGreaterThanOrEqual(1);
    expect(age + maxAge).toBeLessThanOrEqual(REPORT_TTL_SECONDS);

    const { lastHit } = await lastHitAfter(path, missAt);

    // The origin's entry expires maxAge seconds after this answer; a gateway that added the Age back (max-age
    // counted from the origin's computation) would keep serving HITs for `age` seconds more.
    expect(lastHit - missAt).toBeLessThan(maxAge * 1000 + GRANULARITY_MS + MARGIN_MS);
  });
});
