export * from './logger';
export * from './metrics';
export * from './request-context';
export * from './tracing';
export { traceRequests } from './server-spans';
