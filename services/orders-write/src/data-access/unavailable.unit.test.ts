import {
  ConnectionException,
  DeadlockException,
  DriverException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { isDatabaseUnavailable } from './unavailable';

const driverError = (fields: Record<string, unknown>, message = 'driver error'): Error =>
  Object.assign(new Error(message), fields);

describe('isDatabaseUnavailable', () => {
  it.each([
    [
      'a refused connection (MikroORM wraps it)',
      new DriverException(driverError({ code: 'ECONNREFUSED', errno: -111 })),
    ],
    ['a reset socket', driverError({ code: 'ECONNRESET' })],
    [
      'a connection the server closed (mysql2)',
      driverError({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }),
    ],
    ['"server has gone away"', driverError({ errno: 2006 })],
    ['too many connections', driverError({ errno: 1040, code: 'ER_CON_COUNT_ERROR' })],
    ['any fatal driver error', driverError({ code: 'SOMETHING_NEW', fatal: true })],
    [
      "knex's pool giving up",
      Object.assign(new Error('Knex: Timeout acquiring a connection'), { name: 'KnexTimeoutError' }),
    ],
    ["MikroORM's ConnectionException", new ConnectionException(driverError({ errno: 1045 }))],
    ['a lost connection given as the cause', new Error('wrapped', { cause: driverError({ code: 'EPIPE' }) })],
  ])('When the error is %s, then the database counts as unavailable', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    [
      'a duplicate key',
      new UniqueConstraintViolationException(driverError({ errno: 1062, code: 'ER_DUP_ENTRY' })),
    ],
    ['a deadlock (run again, not a dependency outage)', new DeadlockException(driverError({ errno: 1213 }))],
    ['a syntax error', driverError({ errno: 1064, code: 'ER_PARSE_ERROR', fatal: false })],
    ['a plain programming error', new TypeError('x is undefined')],
    ['nothing', undefined],
  ])('When the error is %s, then it is not an outage', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
