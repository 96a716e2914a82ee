export * from './tokens';
export * from './service-infra.module';
export * from './kafka-event.transport';
export * from './outbox-relay.service';
export * from './rethrow-event-errors.filter';
export * from './start-service';
export * from './background-loop';
