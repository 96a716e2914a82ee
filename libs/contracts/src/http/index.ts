export * from './ids';
export * from './list';
export * from './error';
export * from './connection-types';
export * from './idempotency';
