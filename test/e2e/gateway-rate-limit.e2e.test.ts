import { httpClient } from '@store/testing';
import { GATEWAY, WRITE_BURST } from './stack';

const gateway = httpClient(GATEWAY);
/*
 * The limit is per client address, and every other test file writes from 127.0.0.1. This file fills its bucket
 * from 127.0.0.2 (any 127.x address reaches the loopback gateway): whole when the burst starts, whatever ran
 * before, and refusing nothing of the files after it.
 */
const ownBucket = httpClient(GATEWAY, { localAddress: '127.0.0.2' });
// An invalid body: orders-write answers 400 without writing anything, which is all a rate limit test needs.
const write = () => ownBucket.post('/users', {});

describe('Gateway write rate limit', () => {
  test('When a burst of writes exceeds the limit, then the excess gets 429 JSON with Retry-After', async () => {
    const answers = await Promise.all(Array.from({ length: WRITE_BURST * 4 }, () => write()));

    const limited = answers.filter((answer) => answer.status === 429);
    const passed = answers.filter((answer) => answer.status === 400);
    expect(limited.length).toBeGreaterThanOrEqual(WRITE_BURST);
    expect(passed.length).toBeGreaterThanOrEqual(WRITE_BURST);
    expect(limited.length + passed.length).toBe(answers.length);
    expect(limited[0]!.body).toEqual({ error: expect.any(String), code: 'RATE_LIMITED' });
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
    expect(limited[0]!.headers.get('content-type')).toContain('application/json');
    expect(limited[0]!.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  test('When one client has filled its bucket, then another client’s write still passes', async () => {
    const burst = await Promise.all(Array.from({ length: WRITE_BURST * 2 }, () => write()));
    const fromAnotherClient = await gateway.post('/users', {});

    expect(burst.some((answer) => answer.status === 429)).toBe(true);
    expect(fromAnotherClient.status).toBe(400);
  });

  test('When the same burst is made of reads, then none is limited', async () => {
    const answers = await Promise.all(
      Array.from({ length: WRITE_BURST * 4 }, () => gateway.get('/products/2')),
    );

    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
  });
});
