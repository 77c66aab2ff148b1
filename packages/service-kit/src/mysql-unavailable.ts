/*
 * Whether a MySQL driver error says the database could not be reached (down, restarting, connection cut, the
 * service's account or database missing), as opposed to a statement it refused. The first is the API's 503
 * UNAVAILABLE (retry later), never a 500: the request was not wrong and nothing in the service is broken.
 * ORMs copy the driver's fields (code, errno, fatal) onto their own exceptions or keep the driver's error as
 * `cause`, so the same test holds for mysql2's errors and a wrapper's; a service adds what its ORM throws.
 */

/** Socket-level codes (Node) and mysql2's codes for a connection that is gone, never came or was refused. */
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
  'ER_CON_COUNT_ERROR',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
]);

/**
 * Server errors that mean "not now": too many connections (1040), access denied (1045), unknown database (1049),
 * server shutting down (1053), can't connect (2002, 2003), server gone away or lost during a query (2006, 2013),
 * connection killed (1927, MariaDB).
 */
const UNAVAILABLE_ERRNOS = new Set([1040, 1045, 1049, 1053, 1927, 2002, 2003, 2006, 2013]);

interface DriverFields {
  code?: unknown;
  errno?: unknown;
  fatal?: unknown;
  cause?: unknown;
}

/** `isConnectionError`: the service's own test for a wrapper's connection exception (its ORM's). */
export function isMysqlUnavailable(
  error: unknown,
  isConnectionError: (error: unknown) => boolean = () => false,
): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (isConnectionError(current)) return true;
    const fields = current as DriverFields;
    if (typeof fields.code === 'string' && CONNECTION_CODES.has(fields.code)) return true;
    if (typeof fields.errno === 'number' && UNAVAILABLE_ERRNOS.has(fields.errno)) return true;
    // mysql2 marks an error that ended its connection as fatal (MikroORM 7 pools on mysql2 itself: no knex).
    if (fields.fatal === true) return true;
    current = fields.cause;
  }
  return false;
}
