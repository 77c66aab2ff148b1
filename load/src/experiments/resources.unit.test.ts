import type { ProcSnapshot } from '../proc-cpu';
import { cpuGroups, machineBusyTicks, sampleValue } from './resources';

const entry = (pid: number, ppid: number, comm: string) => [pid, { pid, ppid, comm, ticks: 0 }] as const;

describe('resources', () => {
  test('When a stack has replicas, nginx workers and the shared servers, then each group gets its processes and cores', () => {
    // Arrange
    const snapshot: ProcSnapshot = new Map([
      entry(10, 1, 'node'),
      entry(11, 1, 'node'),
      entry(20, 1, 'nginx'),
      entry(21, 20, 'nginx'),
      entry(22, 20, 'nginx'),
      entry(30, 1, 'mariadbd'),
      entry(40, 1, 'beam.smp'),
      entry(41, 40, 'erl_child_setup'),
      entry(50, 1, 'redis-server'),
      entry(60, 1, 'node'),
    ]);

    // Act
    const groups = cpuGroups(snapshot, { 'orders-write-1': 10, 'orders-write-2': 11, nginx: 20 }, 60, 2);

    // Assert
    const byName = Object.fromEntries(groups.map((group) => [group.name, group]));
    expect(byName['orders-write']).toMatchObject({ pids: new Set([10, 11]), capacityCores: 2 });
    expect(byName.nginx).toMatchObject({ pids: new Set([20, 21, 22]), capacityCores: 2 });
    expect(byName.RabbitMQ).toMatchObject({ pids: new Set([40, 41]), capacityCores: 2 });
    expect(byName.Redis?.capacityCores).toBe(1);
    expect(byName.MariaDB?.capacityCores).toBe(2);
    expect(byName['load generator']).toMatchObject({ pids: new Set([60]), capacityCores: 1 });
  });

  test('When a metrics text has labelled samples, then sampleValue sums the matching lines only', () => {
    const text = [
      '# HELP rabbitmq_detailed_queue_messages_ready Messages ready',
      'rabbitmq_detailed_queue_messages_ready{vhost="/",queue="projector.orders.experiments"} 42',
      'rabbitmq_detailed_queue_messages_ready{vhost="/",queue="other"} 7',
      'outbox_pending_events 3',
      'outbox_pending_events_other 9',
    ].join('\n');

    expect(
      sampleValue(text, 'rabbitmq_detailed_queue_messages_ready', '"projector.orders.experiments"'),
    ).toBe(42);
    expect(sampleValue(text, 'outbox_pending_events')).toBe(3);
    expect(sampleValue(text, 'absent_metric')).toBeUndefined();
  });

  test('When /proc/stat is read, then idle and iowait are not busy', () => {
    expect(machineBusyTicks('cpu  100 5 50 1000 20 0 3 0 0 0\ncpu0 1 2 3')).toBe(158);
  });
});
