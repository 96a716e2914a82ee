export * from './testing';
export * from './dns-server';
