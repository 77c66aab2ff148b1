export * from './events';
export * from './limits';
export * from './names';
export * from './outbox';
export * from './projection-keys';
export * from './totals-sql';
