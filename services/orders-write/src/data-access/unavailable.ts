import { ConnectionException } from '@mikro-orm/core';
import { isMysqlUnavailable } from '@store/service-kit';

/*
 * Whether a driver error says the database could not be reached: service-kit's MySQL test, plus MikroORM's own
 * ConnectionException (its other exceptions copy the driver's fields, which that test reads).
 */
export const isDatabaseUnavailable = (error: unknown): boolean =>
  isMysqlUnavailable(error, (current) => current instanceof ConnectionException);
