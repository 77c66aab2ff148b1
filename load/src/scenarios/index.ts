export * from './schema';
export * from './catalog';
export * from './consistency';
export * from './scale';
