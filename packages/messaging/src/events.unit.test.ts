import { EventHub } from './events';

interface TestEvents {
  ack: { messageId: string };
  error: { error: Error };
}

describe('EventHub', () => {
  test('When an event matching the predicate is emitted, then waitFor resolves with its info', async () => {
    const hub = new EventHub<TestEvents>();
    const waiting = hub.waitFor('ack', (info) => info.messageId === 'b');
    hub.emit('ack', { messageId: 'a' });
    hub.emit('ack', { messageId: 'b' });
    await expect(waiting).resolves.toEqual({ messageId: 'b' });
  });

  test('When no matching event comes in time, then waitFor rejects naming the event', async () => {
    jest.useFakeTimers();
    try {
      const hub = new EventHub<TestEvents>();
      const waiting = hub.waitFor('ack', undefined, 50);
      jest.advanceTimersByTime(50);
      await expect(waiting).rejects.toThrow("timed out after 50 ms waiting for 'ack'");
    } finally {
      jest.useRealTimers();
    }
  });

  test('When "error" is emitted with no listener, then nothing throws', () => {
    const hub = new EventHub<TestEvents>();
    expect(() => hub.emit('error', { error: new Error('boom') })).not.toThrow();
  });

  test('When a listener throws or unsubscribes, then the other listeners still run', () => {
    const hub = new EventHub<TestEvents>();
    const seen: string[] = [];
    hub.on('ack', () => {
      throw new Error('broken metrics');
    });
    const off = hub.on('ack', (info) => seen.push(`first:${info.messageId}`));
    hub.on('ack', (info) => seen.push(`second:${info.messageId}`));
    hub.emit('ack', { messageId: '1' });
    off();
    hub.emit('ack', { messageId: '2' });
    expect(seen).toEqual(['first:1', 'second:1', 'second:2']);
  });
});
