export * from './config';
export * from './run-main';
export * from './peer-keys';
export * from './test-clock-skew';
