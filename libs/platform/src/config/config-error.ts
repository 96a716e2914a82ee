/** A configuration a service refuses to start with; runMain prints only its message. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
