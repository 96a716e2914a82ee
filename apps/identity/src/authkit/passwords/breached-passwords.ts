/*
 * Firefox Accounts' list of common passwords (npm `fxa-common-password-list`, MPL-2.0): the
 * passwords of at least 8 characters among the most frequent in public breach corpora, shipped
 * inside the package and read from disk here, so no password ever leaves the process. Loaded
 * once, lazily, into a Set of lower-cased entries (compared case-insensitively).
 */
let list: Set<string> | null = null;

function load(): Set<string> {
  // The package's own check is a linear Array.indexOf; we decode its data once into a Set.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Decoder } = (require('incremental-encoder') as { default: { Decoder: new () => { decode(lines: string[]): string[] } } }).default;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const encoded = require('fxa-common-password-list/src/encoded-passwords') as string;
  return new Set(new Decoder().decode(encoded.split('\n')).map((p) => p.toLowerCase()));
}

export function isBreachedPassword(password: string): boolean {
  list ??= load();
  return list.has(password.toLowerCase());
}

export function breachedPasswordCount(): number {
  list ??= load();
  return list.size;
}
