import { Topic, type PipesConnectionFailedWire } from '@wos/contracts';
import { buildEvent, type OutboxMessage } from '@wos/platform';
import type { ConnectedAccount } from '../generated/prisma/client';
import { toAccountEventData } from './accounts.dto';

export type AccountChange = 'connected' | 'disconnected' | 'reauthorization_needed';

/* Keyed by the organization where there is one, else the account (DESIGN.md rule 4). */
export function accountEvent(change: AccountChange, a: ConnectedAccount): OutboxMessage {
  return { topic: Topic.pipes, key: a.organizationId ?? a.id, event: buildEvent(`pipes.connected_account.${change}`, toAccountEventData(a), a.environmentId) };
}

export function connectionFailedEvent(environmentId: string, data: Omit<PipesConnectionFailedWire, 'object' | 'created_at'>): OutboxMessage {
  return {
    topic: Topic.pipes,
    key: data.organization_id ?? data.user_id ?? data.data_integration_id,
    event: buildEvent('pipes.connected_account.connection_failed', { object: 'connection_failed', ...data, created_at: new Date().toISOString() }, environmentId),
  };
}
