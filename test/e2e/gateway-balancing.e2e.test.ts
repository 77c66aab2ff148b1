import { httpClient, uniqueSuffix } from '@store/testing';
import { GATEWAY, pidOf, REPLICAS, waitFor } from './stack';

const gateway = httpClient(GATEWAY);

/** Concurrent GETs so least_conn has several busy connections to spread; counts answers by instance port. */
async function instancesServing(path: string, requests: number, concurrency = 6) {
  const seen = new Map<string, number>();
  const failures: number[] = [];
  for (let sent = 0; sent < requests; sent += concurrency) {
    const answers = await Promise.all(Array.from({ length: concurrency }, () => gateway.get(path)));
    for (const answer of answers) {
      if (answer.status !== 200) failures.push(answer.status);
      const instance = answer.headers.get('x-instance')?.split(':')[1] ?? 'none';
      seen.set(instance, (seen.get(instance) ?? 0) + 1);
    }
  }
  return { seen, failures };
}

describe('Gateway balancing', () => {
  test.each([
    ['orders-write', '/products/1'],
    ['reports-read', '/orders/reports/best-sellers?limit=1&nocache='],
  ])(
    'When %s gets a stream of requests, then each of its three replicas serves part of it',
    async (_, path) => {
      // Unique report URLs miss the gateway cache, so every request reaches a replica.
      const unique = path.endsWith('=') ? uniqueSuffix() : undefined;
      const seen = new Map<string, number>();
      for (let round = 0; round < 20; round++) {
        const answers = await Promise.all(
          Array.from({ length: 6 }, (_unused, i) =>
            gateway.get(unique ? `${path}${unique}-${round}-${i}` : path),
          ),
        );
        for (const answer of answers) {
          expect(answer.status).toBe(200);
          const instance = answer.headers.get('x-upstream')!;
          expect(answer.headers.get('x-instance')).toMatch(new RegExp(`:${instance.split(':')[1]}$`));
          seen.set(instance, (seen.get(instance) ?? 0) + 1);
        }
      }

      expect(seen.size).toBe(REPLICAS);
    },
  );

  test('When one orders-write replica is killed during a stream of GETs, then no request fails', async () => {
    const victim = pidOf('orders-write-3');
    const before = await instancesServing('/products/1', 30);
    expect(before.failures).toEqual([]);

    const during = instancesServing('/products/1', 300);
    process.kill(victim, 'SIGKILL');
    const result = await during;

    expect(result.failures).toEqual([]);
    expect([...result.seen.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(300);
    // Its supervisor (infra/local/supervise.sh) starts it again; once nginx tries it again, it serves again.
    await waitFor(
      'the restarted orders-write-3 to serve through the gateway',
      async () => {
        const after = await instancesServing('/products/1', 30);
        expect(after.failures).toEqual([]);
        return after.seen.has('15003') || undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(pidOf('orders-write-3')).not.toBe(victim);
  });
});
