export * from './testing';
export * from './dns-server';
export * from './smtp-sink';
export * from './redis-server';
export * from './softhsm';
export * from './kafka-groups';
export * from './query-plan';
export * from './openapi-validation';
