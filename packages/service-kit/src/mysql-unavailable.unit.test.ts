import { isMysqlUnavailable } from './mysql-unavailable';

const driverError = (fields: Record<string, unknown>, message = 'driver error'): Error =>
  Object.assign(new Error(message), fields);

describe('isMysqlUnavailable', () => {
  it.each([
    ['a refused connection', driverError({ code: 'ECONNREFUSED', errno: -111 })],
    ['a reset socket', driverError({ code: 'ECONNRESET' })],
    ['a connection the server closed', driverError({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true })],
    ['"server has gone away"', driverError({ errno: 2006 })],
    ['too many connections', driverError({ errno: 1040, code: 'ER_CON_COUNT_ERROR' })],
    ["the service's account refused", driverError({ errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' })],
    ['its database missing', driverError({ errno: 1049, code: 'ER_BAD_DB_ERROR' })],
    ['any fatal driver error', driverError({ code: 'SOMETHING_NEW', fatal: true })],
    ['a lost connection given as the cause', new Error('wrapped', { cause: driverError({ code: 'EPIPE' }) })],
  ])('When the error is %s, then the database counts as unavailable', (_what, error) => {
    expect(isMysqlUnavailable(error)).toBe(true);
  });

  it.each([
    ['a duplicate key', driverError({ errno: 1062, code: 'ER_DUP_ENTRY' })],
    ['a deadlock (run again, not a dependency outage)', driverError({ errno: 1213 })],
    ['a syntax error', driverError({ errno: 1064, code: 'ER_PARSE_ERROR', fatal: false })],
    ['a plain programming error', new TypeError('x is undefined')],
    ['nothing', undefined],
  ])('When the error is %s, then it is not an outage', (_what, error) => {
    expect(isMysqlUnavailable(error)).toBe(false);
  });

  test("When the service's own test recognises a wrapper, then the wrapper counts as unavailable", () => {
    class OrmConnectionError extends Error {}

    expect(isMysqlUnavailable(new OrmConnectionError('no'), (e) => e instanceof OrmConnectionError)).toBe(
      true,
    );
    expect(isMysqlUnavailable(new OrmConnectionError('no'))).toBe(false);
  });
});
