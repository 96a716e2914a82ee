/** PromQL words that are not metric names: keywords, and what follows `by`/`without`/`on`/`ignoring`. */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset']);

/**
 * The metric names a PromQL expression reads: identifiers that are neither functions (followed by
 * `(`), keywords, label names (inside `{…}` or the parentheses of by/without/on/ignoring), nor
 * durations and strings. Histogram series (`_bucket`, `_count`, `_sum`) are named by their metric.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const word = m[0];
    const rest = stripped.slice(m.index! + word.length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(word)) continue;
    names.add(word.replace(/_(bucket|count|sum)$/, ''));
  }
  return [...names];
}

/** The metric families a Prometheus text exposition declares (`# TYPE name kind`). */
export function exportedMetricNames(exposition: string): Set<string> {
  return new Set([...exposition.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!));
}
