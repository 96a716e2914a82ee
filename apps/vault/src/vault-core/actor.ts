/**
 * Who changed an object, as WorkOS reports it (`updated_by`, `actor_*` in events). The gateway's
 * signed context names the environment but not the API key, so every API call is attributed to
 * one actor per source; naming the key needs the gateway to forward its ID (future work).
 */
export interface VaultActor {
  id: string;
  name: string;
  source: 'api' | 'dashboard';
}

export const API_ACTOR: VaultActor = { id: 'api_key', name: 'API key', source: 'api' };
/** The service itself, acting on an event (an organization's deletion shreds its keys). */
export const SYSTEM_ACTOR: VaultActor = { id: 'system', name: 'wos-platform', source: 'api' };

export function actorFields(actor: VaultActor): { actor_id: string; actor_source: 'api' | 'dashboard'; actor_name: string } {
  return { actor_id: actor.id, actor_source: actor.source, actor_name: actor.name };
}
