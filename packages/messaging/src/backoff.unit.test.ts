import { backoffDelay } from './backoff';

const options = { initialDelayMs: 100, maxDelayMs: 5_000 };

describe('backoffDelay', () => {
  test('When the attempts grow, then the delay doubles from the initial delay', () => {
    const noJitter = () => 1;
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, options, noJitter))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  test('When many attempts failed, then the delay stays at the cap', () => {
    expect(backoffDelay(10, options, () => 1)).toBe(5_000);
    expect(backoffDelay(1_000, options, () => 1)).toBe(5_000);
  });

  test('When jitter is drawn, then the delay lies between half the step and the whole step', () => {
    expect(backoffDelay(2, options, () => 0)).toBe(200);
    expect(backoffDelay(2, options, () => 0.5)).toBe(300);
    for (let i = 0; i < 100; i += 1) {
      const delay = backoffDelay(3, options);
      expect(delay).toBeGreaterThanOrEqual(400);
      expect(delay).toBeLessThanOrEqual(800);
    }
  });

  test('When the cap is below the initial delay, then the initial delay wins', () => {
    expect(backoffDelay(0, { initialDelayMs: 300, maxDelayMs: 10 }, () => 1)).toBe(300);
  });
});
