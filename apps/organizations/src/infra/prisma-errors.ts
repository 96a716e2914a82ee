/** True when Prisma reports a unique-constraint violation (P2002), optionally on a given column. */
export function isUniqueViolation(err: unknown, column?: string): boolean {
  const e = err as { code?: string; meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: string[]; index?: string } } } } };
  if (e?.code !== 'P2002') return false;
  if (!column) return true;
  const target = e.meta?.target;
  const constraint = e.meta?.driverAdapterError?.cause?.constraint;
  const text = `${Array.isArray(target) ? target.join(',') : String(target ?? '')},${(constraint?.fields ?? []).join(',')},${constraint?.index ?? ''}`;
  return text.includes(column);
}
