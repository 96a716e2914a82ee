/**
 * Two idle costs of kafkajs 2.2.4's RequestQueue (one per broker connection), fixed here because
 * kafkajs has had no release since.
 *
 * 1. scheduleCheckPendingRequests arms a timer even when nothing is
 * pending and the client is not throttled: `throttledUntil` is -1, the delay negative, so Node
 * fires it after 1 ms, the callback re-arms it, and every broker connection that ever completed a
 * request wakes its process 1,000 times a second for good (tulios/kafkajs#1556, #1704; the fix
 * proposed in PR #1667 was never released). That loop was ~3 % of a core per consuming service
 * at idle. This replaces the method with the released one plus the missing case: with no pending
 * request and no throttle there is nothing to check later, so no timer.
 * Invariant kept: a pending request is always re-checked (push() and every fulfilled or timed-out
 * request call checkPendingRequests; a throttled queue gets a timer at the throttle's end).
 *
 * 2. scheduleRequestTimeoutCheck looks for timed-out requests every 100 ms for as long as the
 * connection is open, so an idle consumer woke 10 times a second per connection. Requests time out
 * after 30 s (a consumer's fetch after its long poll plus that), so looking every 5 s enforces
 * the same timeouts, at most 5 s late (a dead broker is also noticed by the socket itself).
 */
interface RequestQueueLike {
  throttledUntil: number;
  pending: unknown[];
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
}

interface TimeoutCheckQueueLike {
  enforceRequestTimeout: boolean;
  requestTimeout: number;
  requestTimeoutIntervalId?: NodeJS.Timeout;
  inflight: Map<number, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
  isConnected(): boolean;
  destroy(): void;
}

/** How often open connections look for timed-out requests (kafkajs: 100 ms). */
export const REQUEST_TIMEOUT_CHECK_MS = 5000;

export function scheduleRequestTimeoutCheck(this: TimeoutCheckQueueLike): void {
  if (!this.enforceRequestTimeout) return;
  this.destroy();
  this.requestTimeoutIntervalId = setInterval(() => {
    this.inflight.forEach((request) => {
      if (Date.now() - request.sentAt > request.requestTimeout) request.timeoutRequest();
    });
    if (!this.isConnected()) this.destroy();
  }, Math.min(this.requestTimeout, REQUEST_TIMEOUT_CHECK_MS));
}

/** kafkajs's own constant (src/network/requestQueue/index.js). */
const CHECK_PENDING_REQUESTS_INTERVAL = 10;

export function scheduleCheckPendingRequests(this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId) return;
  let scheduleAt = this.throttledUntil - Date.now();
  if (this.pending.length > 0) scheduleAt = scheduleAt > 0 ? scheduleAt : CHECK_PENDING_REQUESTS_INTERVAL;
  else if (scheduleAt <= 0) return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, scheduleAt);
}

let applied = false;
/** Patches kafkajs's RequestQueue once per process (createKafka calls it). */
export function applyKafkajsIdleFix(): void {
  if (applied) return;
  applied = true;
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: { scheduleCheckPendingRequests: () => void; scheduleRequestTimeoutCheck: () => void } };
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests as () => void;
  RequestQueue.prototype.scheduleRequestTimeoutCheck = scheduleRequestTimeoutCheck as () => void;
}
