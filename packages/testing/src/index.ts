export * from './http-client';
export * from './infra';
export * from './unique';
export * from './ensure-infrastructure';
export * from './eventually';
export * from './in-memory-tracing';
export * from './prometheus';
