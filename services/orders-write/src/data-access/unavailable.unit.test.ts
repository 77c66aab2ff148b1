import {
  ConnectionException,
  DeadlockException,
  DriverException,
  UniqueConstraintViolationException,
} from '@mikro-orm/core';
import { isDatabaseUnavailable } from './unavailable';

/* MikroORM's exceptions; the driver's own errors are service-kit's test (mysql-unavailable.unit.test.ts). */
const driverError = (fields: Record<string, unknown>, message = 'driver error'): Error =>
  Object.assign(new Error(message), fields);

describe('isDatabaseUnavailable', () => {
  it.each([
    [
      'a refused connection (MikroORM wraps it)',
      new DriverException(driverError({ code: 'ECONNREFUSED', errno: -111 })),
    ],
    ["MikroORM's ConnectionException", new ConnectionException(driverError({ errno: 9999 }))],
  ])('When the error is %s, then the database counts as unavailable', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    [
      'a duplicate key',
      new UniqueConstraintViolationException(driverError({ errno: 1062, code: 'ER_DUP_ENTRY' })),
    ],
    ['a deadlock (run again, not a dependency outage)', new DeadlockException(driverError({ errno: 1213 }))],
  ])('When the error is %s, then it is not an outage', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
