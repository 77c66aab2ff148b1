import { randomUUID } from 'node:crypto';
import { httpClient, parseMetrics } from '@store/testing';
import { line, makeEvent, randomId } from './helpers';
import { useRunningProjector } from './running-projector';

jest.setTimeout(30_000);

/* Every event is stamped as committed 1.5 s before the projector's clock, so the lag histogram is exact. */
const COMMITTED_AT = Date.parse('2025-01-01T00:00:00.000Z');
const LAG_MS = 1_500;

describe('projector metrics (real RabbitMQ, Redis and MariaDB)', () => {
  const t = useRunningProjector({}, { now: () => COMMITTED_AT + LAG_MS });
  const { queue } = t;

  const scrape = async () => parseMetrics((await httpClient(t.projector.url).get<string>('/metrics')).body);
  const acked = (eventId: string) =>
    t.projector.consumer.waitFor('ack', (info) => info.messageId === eventId, 15_000);
  const committed = { occurred_at: new Date(COMMITTED_AT).toISOString() };

  test('When events are applied, redelivered, poisoned and reconciled, then each series moves by exactly that', async () => {
    const first = { ...makeEvent('OrderCreated', [line(randomId(), 2, 500)]), ...committed };
    const kept = { ...makeEvent('OrderCreated', [line(randomId(), 1, 800)]), ...committed };
    const deleted = { ...first, event_id: randomUUID(), type: 'OrderDeleted' as const };
    const poison = `poison-${randomUUID()}`;
    const before = await scrape();

    for (const event of [first, kept, deleted]) {
      const applied = acked(event.event_id);
      t.broker.publish(queue, event);
      await applied;
    }
    const duplicate = acked(first.event_id);
    t.broker.publish(queue, first);
    await duplicate;
    const deadLettered = t.projector.consumer.waitFor(
      'dead-letter',
      (info) => info.messageId === poison,
      15_000,
    );
    t.broker.publishRaw(queue, '{not json', poison);
    await deadLettered;
    const report = await t.projector.reconcile();
    const after = await scrape();

    expect(before.value('events_duplicate_total')).toBe(0);
    expect(before.value('events_dead_lettered_total')).toBe(0);
    expect(before.value('projection_lag_seconds_count')).toBe(0);
    expect(before.value('projection_drift')).toBe(0);
    expect(after.value('events_applied_total', { type: 'OrderCreated' })).toBe(2);
    expect(after.value('events_applied_total', { type: 'OrderDeleted' })).toBe(1);
    expect(after.value('events_duplicate_total')).toBe(1);
    expect(after.value('events_dead_lettered_total')).toBe(1);
    expect(after.value('projection_lag_seconds_count')).toBe(3);
    expect(after.value('projection_lag_seconds_sum')).toBeCloseTo(3 * (LAG_MS / 1000));
    expect(after.value('projection_lag_seconds_bucket', { le: '1' })).toBe(0);
    expect(after.value('projection_lag_seconds_bucket', { le: '2.5' })).toBe(3);
    // `kept` exists only in the projection (never in MySQL): planted drift the full check must count.
    expect(report.users).toContainEqual({ id: kept.data.user_id, expected: 0, actual: 800 });
    expect(after.value('projection_drift')).toBe(report.mismatches);
  });
});
