/*
 * Slugs name permissions, roles and resource types (WORKOS_API.md §16): lowercase letters,
 * digits, `-`, `_`, `:`, `.` and `*`. Invariant: a slug is compared byte for byte, so two
 * spellings never name the same thing.
 */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9\-_:.*]*$/;
export const MAX_SLUG_LENGTH = 128;

export function isValidSlug(slug: string): boolean {
  return slug.length <= MAX_SLUG_LENGTH && SLUG_PATTERN.test(slug);
}

/** An organization role created without a slug gets one from its name, prefixed `org-` as WorkOS does. */
export function slugFromName(name: string): string {
  const base = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `org-${base || 'role'}`.slice(0, MAX_SLUG_LENGTH);
}
