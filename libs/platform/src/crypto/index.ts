export * from './secret-box';
export * from './service-keys';
