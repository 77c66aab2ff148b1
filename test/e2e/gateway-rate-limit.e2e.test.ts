import { httpClient } from '@store/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { GATEWAY, WRITE_BURST, WRITE_RATE_PER_SECOND } from './stack';

const gateway = httpClient(GATEWAY);
// An invalid body: orders-write answers 400 without writing anything, which is all a rate limit test needs.
const write = () => gateway.post('/users', {});

describe('Gateway write rate limit', () => {
  // The burst is only whole when the bucket is empty: earlier files' writes may still fill part of it, and this
  // file's burst fills it for the files after. nginx's leaky bucket shows no level (every probe would be a write
  // into it), but it empties at the rate: burst/rate seconds without a write, and a margin, empty it for certain.
  const emptyTheWriteBucket = () => sleep((1000 * WRITE_BURST) / WRITE_RATE_PER_SECOND + 500);

  beforeAll(emptyTheWriteBucket);
  afterAll(emptyTheWriteBucket);

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

  test('When the same burst is made of reads, then none is limited', async () => {
    const answers = await Promise.all(
      Array.from({ length: WRITE_BURST * 4 }, () => gateway.get('/products/2')),
    );

    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
  });
});
