export * from './kafka';
export * from './event-consumer';
