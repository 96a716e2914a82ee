export * from './errors';
export * from './error-response';
