import { Timeline } from './timeline';

describe('Timeline', () => {
  test('When answers arrive over three seconds, then each second has its own users (a quiet one the users last told), requests, failures and percentiles', () => {
    // Arrange
    const timeline = new Timeline(0);

    // Act
    timeline.users(10, 100);
    timeline.answered(10, 5, false, 200);
    timeline.answered(10, 15, true, 900);
    timeline.users(20, 2100);
    timeline.answered(20, undefined, true, 2500);

    // Assert
    expect(timeline.points()).toEqual([
      { second: 0, users: 10, requests: 2, failures: 1, p50Ms: 5, p95Ms: 15 },
      { second: 1, users: 10, requests: 0, failures: 0, p50Ms: 0, p95Ms: 0 },
      { second: 2, users: 20, requests: 1, failures: 1, p50Ms: 0, p95Ms: 0 },
    ]);
  });

  test('When users drop within a second, then that second shows the most users it had', () => {
    const timeline = new Timeline(0);

    timeline.users(50, 10);
    timeline.users(0, 900);

    expect(timeline.points()[0]!.users).toBe(50);
  });
});
