export * from './kafka';
export * from './event-consumer';
export * from './consumable-envelope';
export * from './dead-letters';
export * from './dead-letter-cli';
export * from './consumer-group';
export * from './admin-probe';
export * from './dependency-outage';
