/**
 * A LIKE pattern's literal text: `%`, `_` and the escape character (backslash, LIKE's default)
 * escaped, so user input matches only itself. Prisma's `startsWith`/`contains` pass their text
 * into LIKE as it is (`a_b` would match `axb`), and so does hand-written SQL.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (m) => `\\${m}`);
}
