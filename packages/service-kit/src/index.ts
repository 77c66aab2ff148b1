export * from './config';
export * from './errors';
export * from './health';
export * from './http';
export * from './lifecycle';
export * from './validation';
export * from './mysql-pool';
export * from './redis-client';
