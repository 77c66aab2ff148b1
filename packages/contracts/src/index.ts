export * from './events';
export * from './names';
export * from './outbox';
export * from './projection-keys';
export * from './totals-sql';
