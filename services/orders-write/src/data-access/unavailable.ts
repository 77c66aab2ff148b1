import { ConnectionException } from '@mikro-orm/core';

/*
 * Whether a driver error says the database could not be reached (down, restarting, connection cut), as opposed
 * to a statement it refused. The first is the API's 503 UNAVAILABLE (retry later), never a 500: the request was
 * not wrong and nothing in the service is broken. MikroORM copies the driver's fields (code, errno, fatal) onto
 * its own exceptions, so the same test holds for mysql2's errors, MikroORM's, and knex's pool timeout.
 */

/** Socket-level codes (Node) and mysql2's protocol codes for a connection that is gone or never came. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
]);

/**
 * Server errors that mean "not now": too many connections (1040), server shutting down (1053), can't connect
 * (2002, 2003), server gone away or lost during a query (2006, 2013), connection killed (1927, MariaDB).
 */
const UNAVAILABLE_ERRNOS = new Set([1040, 1053, 1927, 2002, 2003, 2006, 2013]);

interface DriverFields {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
  name?: unknown;
  cause?: unknown;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof ConnectionException) return true;
    const fields = current as DriverFields;
    if (typeof fields.code === 'string' && CONNECTION_CODES.has(fields.code)) return true;
    if (typeof fields.errno === 'number' && UNAVAILABLE_ERRNOS.has(fields.errno)) return true;
    // mysql2 marks an error that ended its connection as fatal; knex's pool gives up with KnexTimeoutError.
    if (fields.fatal === true || fields.name === 'KnexTimeoutError') return true;
    current = fields.cause;
  }
  return false;
}
