export * from './ids';
export * from './list';
export * from './error';
