import { Inject } from '@nestjs/common';
import type { QueueName } from '../queue/queue';

/** The service's parsed configuration (its own zod schema's output). */
export const APP_CONFIG = Symbol('APP_CONFIG');
/** The service's root pino logger. */
export const LOGGER = Symbol('LOGGER');
/** The service's ioredis client (kit option `redis`). */
export const REDIS = Symbol('REDIS');

const queueTokens = new Map<QueueName, symbol>();
/** The injection token of a BullMQ queue the kit opened (kit option `queues`). */
export function queueToken(name: QueueName): symbol {
  let token = queueTokens.get(name);
  if (!token) queueTokens.set(name, (token = Symbol(`queue:${name}`)));
  return token;
}

/** Injects the BullMQ queue `name` (typed `Queue<QueuePayloads[name]>`). */
export const InjectQueue = (name: QueueName) => Inject(queueToken(name));
