import { httpClient } from '@store/testing';
import { request } from 'node:http';
import { GATEWAY, WRITE_BURST } from './stack';

const gateway = httpClient(GATEWAY);

/*
 * The limit is per client address, and every other test file writes from 127.0.0.1. This file writes from
 * 127.0.0.2 (any 127.x address reaches the loopback gateway), so its bucket is its own: whole when the burst
 * starts, whatever ran before, and the burst it fills refuses nothing of the files after it.
 */
const OWN_ADDRESS = '127.0.0.2';

/** An invalid body: orders-write answers 400 without writing anything, which is all a rate limit test needs. */
function write(): Promise<{ status: number; headers: Headers; body: unknown }> {
  return new Promise((resolve, reject) => {
    const sent = request(
      `${GATEWAY}/users`,
      { method: 'POST', localAddress: OWN_ADDRESS, headers: { 'content-type': 'application/json' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === 'string') headers.set(name, value);
          }
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, headers, body: JSON.parse(text) as unknown });
        });
        response.on('error', reject);
      },
    );
    sent.on('error', reject);
    sent.end('{}');
  });
}

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

  test('When the same burst is made of reads, then none is limited', async () => {
    const answers = await Promise.all(
      Array.from({ length: WRITE_BURST * 4 }, () => gateway.get('/products/2')),
    );

    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
  });
});
