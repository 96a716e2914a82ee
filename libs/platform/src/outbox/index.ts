export * from './build-event';
export * from './outbox-writer';
export * from './outbox-group-appender';
export * from './outbox-relay';
export * from './outbox-dead-letters';
export * from './inbox';
