/**
 * The best of `locales` for an `Accept-Language` header (RFC 9110 §12.5.4: quality values,
 * primary subtags), `fallback` when none matches. The header is bounded before parsing.
 */
export function pickLocale<L extends string>(acceptLanguage: string | undefined, locales: readonly L[], fallback: L): L {
  if (!acceptLanguage) return fallback;
  const ranked = acceptLanguage
    .slice(0, 512)
    .split(',')
    .slice(0, 20)
    .map((part, i) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([01](\.\d{1,3})?)\s*$/.exec(p)).find(Boolean);
      return { lang: (tag ?? '').split('-')[0]!, q: q ? Number(q[1]) : 1, i };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return (ranked.find((r) => (locales as readonly string[]).includes(r.lang))?.lang as L | undefined) ?? fallback;
}

/**
 * A translate function over plain JSON catalogues: `{name}` placeholders are replaced by vars
 * (values are escaped by the templates, not here); a key missing in `locale` falls back to the
 * `fallback` catalogue, then to the key itself.
 */
export function catalogueTranslator<K extends string>(catalogues: Record<string, Record<string, string>>, locale: string, fallback: string) {
  const catalogue = catalogues[locale] ?? {};
  const base = catalogues[fallback] ?? {};
  return (key: K, vars?: Record<string, string>): string => {
    const text = catalogue[key] ?? base[key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m) : text;
  };
}

/** For a spec beside each catalogue: every locale has exactly the fallback's keys, with the same placeholders. */
export function catalogueMismatches(catalogues: Record<string, Record<string, string>>, fallback: string): string[] {
  const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  const base = catalogues[fallback] ?? {};
  const problems: string[] = [];
  for (const [locale, cat] of Object.entries(catalogues)) {
    for (const key of Object.keys(base)) {
      if (!(key in cat)) problems.push(`${locale}: missing ${key}`);
      else if (names(cat[key]!) !== names(base[key]!)) problems.push(`${locale}: placeholders of ${key}`);
    }
    for (const key of Object.keys(cat)) if (!(key in base)) problems.push(`${locale}: extra ${key}`);
  }
  return problems;
}
