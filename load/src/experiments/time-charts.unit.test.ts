import { renderSvg } from '@store/charts';
import { timelineChart } from './time-charts';

describe('charts over time', () => {
  test('When a ramp had no failure at all, then its failures/s panel is drawn on a 0–1 axis, not NaN', async () => {
    const points = Array.from({ length: 10 }, (_, second) => ({
      second,
      users: second * 10,
      requests: second * 5,
      failures: 0,
      p50Ms: 3,
      p95Ms: 5,
    }));

    const svg = await renderSvg(timelineChart(points, 'C1 over time'));

    expect(svg).toContain('failures/s');
    expect(svg).not.toContain('NaN');
  });
});
