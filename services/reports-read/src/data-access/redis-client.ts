import { ReplyError } from 'ioredis';
import { AppError } from '@store/service-kit';

// Replies that mean "Redis cannot serve right now" rather than "this command is wrong".
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY)\b/;

/** Connection problems become 503 UNAVAILABLE; a wrong command stays a bug (500). */
export function redisFailure(error: unknown): Error {
  if (error instanceof ReplyError) {
    const reply = error as Error;
    if (!TRANSIENT_REPLY.test(reply.message)) return reply;
  }
  return Object.assign(new AppError('UNAVAILABLE', 'the report store (Redis) is unavailable'), {
    cause: error,
  });
}
