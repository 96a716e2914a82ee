import { ConfigError } from './config-error';

/** `name=key,name=key` (INTERNAL_AUTH_PEER_KEYS) as a map; throws on a malformed entry. */
export function parsePeerKeys(value: string): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const name = entry.slice(0, eq);
    if (eq <= 0 || !/^[a-z][a-z0-9-]{0,63}$/.test(name)) throw new Error(`"${entry.slice(0, 20)}…" must be <service>=<key>`);
    if (entry.length - eq - 1 < 16) throw new Error(`the key for ${name} must be at least 16 characters`);
    keys[name] = entry.slice(eq + 1);
  }
  return keys;
}

/** The key this service signs with when calling `audience`; a missing one is a configuration error at boot. */
export function internalAuthKeyFor(config: { INTERNAL_AUTH_PEER_KEYS: Record<string, string> }, audience: string): string {
  const key = config.INTERNAL_AUTH_PEER_KEYS[audience];
  if (!key) throw new ConfigError(`Invalid configuration:\n  INTERNAL_AUTH_PEER_KEYS: has no key for ${audience}, which this service calls`);
  return key;
}
