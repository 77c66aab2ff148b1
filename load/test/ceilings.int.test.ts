import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { ceilingScenario, measureCeilings } from '../src/calibration/ceilings';
import { SAMPLE_REPORT, startRedisCalibration } from '../src/calibration/redis-server';
import { runScenario } from '../src/runner/run-scenario';

/*
 * The calibration ceilings that need no database: nginx with a fixed body (a nginx of the test's own, on a spare
 * port) and Express 5 + one Redis GET against the real Redis, each loaded by the runner for about a second. The
 * order transaction's server is tested in calibration.int.test.ts. (The bench starts the Express + Redis server as
 * a child process from the build; here it runs in the test's process, from the sources.)
 */
describe('calibration ceilings', () => {
  const brief = { users: 4, seconds: 1, unloadedSeconds: 1 };

  test('When the nginx ceiling is measured, then its own nginx answers every request with the fixed body, then goes away', async () => {
    const [nginx] = await measureCeilings(
      { stackUrl: 'http://127.0.0.1:1', database: 'unused', progress: false, ...brief },
      ['nginx-fixed-body'],
    );

    expect(nginx!.name).toBe('nginx-fixed-body');
    expect(nginx!.loaded.requests).toBeGreaterThan(100);
    expect(nginx!.loaded.errorRate).toBe(0);
    expect(nginx!.unloaded.requests).toBeGreaterThan(0);
    expect(nginx!.unloaded.latencyMs.p50).toBeLessThan(nginx!.loaded.latencyMs.p99);
  });

  test('When the Express + Redis server is loaded, then each answer is the report in its own Redis key, deleted at stop', async () => {
    const key = `calibration-test:${randomUUID()}`;
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const server = await startRedisCalibration({ host: '127.0.0.1', port: 0, redisUrl, key });
    const redis = new Redis(redisUrl);
    try {
      const body = await (await fetch(`${server.url}/report`)).text();
      const result = await runScenario(ceilingScenario('express-redis', brief), {
        baseUrl: server.url,
        progress: false,
      });

      expect(body).toBe(SAMPLE_REPORT);
      expect(result.steps[1]!.requests).toBeGreaterThan(50);
      expect(result.total.errorRate).toBe(0);
    } finally {
      await server.stop();
      expect(await redis.exists(key)).toBe(0);
      await redis.quit();
    }
  });
});
