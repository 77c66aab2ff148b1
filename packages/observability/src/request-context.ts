import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The id of the request (or message) being handled, for every log line written while handling it. An
 * AsyncLocalStorage rather than a child logger passed down, so code deep in a use case logs with the plain
 * service logger and still carries the id.
 */
const requestContext = new AsyncLocalStorage<string>();

export const runWithRequestId = <T>(requestId: string, fn: () => T): T => requestContext.run(requestId, fn);

export const currentRequestId = (): string | undefined => requestContext.getStore();
