import { PendingConfirms } from './pending-confirms';
import { PublishError } from './publish-types';

const rejectionOf = async (promise: Promise<unknown>): Promise<PublishError> => {
  try {
    await promise;
  } catch (error) {
    return error as PublishError;
  }
  throw new Error('expected a rejection');
};

describe('PendingConfirms', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('When the confirm comes, then the entry resolves and its timer is cleared', async () => {
    const pending = new PendingConfirms(1_000);
    const { id, settled } = pending.track('m-1');
    expect(pending.confirm(id)).toBe(true);
    await expect(settled).resolves.toBeUndefined();
    expect(pending.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  test('When no confirm comes within the timeout, then the entry rejects with reason timeout', async () => {
    const pending = new PendingConfirms(1_000);
    const { id, settled } = pending.track('m-1');
    jest.advanceTimersByTime(999);
    expect(pending.size).toBe(1);
    jest.advanceTimersByTime(1);
    const error = await rejectionOf(settled);
    expect(error).toBeInstanceOf(PublishError);
    expect(error).toMatchObject({ reason: 'timeout', messageId: 'm-1' });
    expect(pending.confirm(id)).toBe(false); // the late ack is ignored
  });

  test('When a message is returned, then the oldest open entry with that messageId rejects and its ack is ignored', async () => {
    const pending = new PendingConfirms(1_000);
    const other = pending.track('m-other');
    const first = pending.track('m-dup');
    const second = pending.track('m-dup');
    expect(pending.failByMessageId('m-dup', new PublishError('unroutable', 'm-dup', 'returned'))).toBe(true);
    expect((await rejectionOf(first.settled)).reason).toBe('unroutable');
    expect(pending.confirm(first.id)).toBe(false);
    expect(pending.confirm(second.id)).toBe(true);
    expect(pending.confirm(other.id)).toBe(true);
    jest.advanceTimersByTime(1_000); // an entry the confirms missed would time out (reject) now
    await expect(second.settled).resolves.toBeUndefined();
    await expect(other.settled).resolves.toBeUndefined();
    expect(pending.size).toBe(0);
  });

  test('When the channel closes, then every open entry rejects with reason channel-closed', async () => {
    const pending = new PendingConfirms(1_000);
    const entries = ['a', 'b', 'c'].map((messageId) => pending.track(messageId));
    pending.failAll((messageId) => new PublishError('channel-closed', messageId, 'closed'));
    const errors = await Promise.all(entries.map((entry) => rejectionOf(entry.settled)));
    expect(errors.map((error) => [error.reason, error.messageId])).toEqual([
      ['channel-closed', 'a'],
      ['channel-closed', 'b'],
      ['channel-closed', 'c'],
    ]);
    expect(pending.size).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
  });
});
