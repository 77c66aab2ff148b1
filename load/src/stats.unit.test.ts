import { median, percentile, summarize } from './stats';

describe('latency statistics', () => {
  it('When percentiles are taken, then they use the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile(values, 1)).toBe(100);
    expect(percentile([7], 0.99)).toBe(7);
  });

  it('When values are summarised, then order does not matter', () => {
    expect(summarize([3, 1, 2])).toEqual({ count: 3, mean: 2, p50: 2, p90: 3, p95: 3, p99: 3, max: 3 });
    expect(summarize([]).count).toBe(0);
  });

  it('When the median of a few rounds is taken, then an even count gives the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1400, 1500])).toBe(1450);
    expect(median([])).toBeNaN();
  });
});
