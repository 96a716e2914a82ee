/**
 * True for a unique-constraint violation, optionally on a given column: from Prisma (P2002) or
 * from a hand-written statement on the pg pool (SQLSTATE 23505, named constraint).
 */
export function isUniqueViolation(err: unknown, column?: string): boolean {
  const pg = err as { code?: string; constraint?: string };
  if (pg?.code === '23505') return !column || (pg.constraint ?? '').includes(column);
  const e = err as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[]; index?: string } } } } };
  if (e?.code !== 'P2002') return false;
  if (!column) return true;
  const target = e.meta?.target;
  const constraint = e.meta?.driverAdapterError?.cause?.constraint;
  const text = `${Array.isArray(target) ? target.join(',') : String(target ?? '')},${(constraint?.fields ?? []).join(',')},${constraint?.index ?? ''}`;
  return text.includes(column);
}
