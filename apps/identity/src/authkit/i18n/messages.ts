import en from './en.json';
import fr from './fr.json';

export type MessageKey = keyof typeof en;
export type Locale = 'en' | 'fr';
export type Translate = (key: MessageKey, vars?: Record<string, string>) => string;

/* Every locale has every English key (messages.spec.ts checks it); English fills any gap. */
const CATALOGUES: Record<Locale, Record<string, string>> = { en, fr };
export const LOCALES = Object.keys(CATALOGUES) as Locale[];

/**
 * The best supported locale for an `Accept-Language` header (RFC 9110 §12.5.4: quality values,
 * primary subtags), English when none matches. The header is bounded before parsing.
 */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'en';
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
  return (ranked.find((r) => (LOCALES as string[]).includes(r.lang))?.lang as Locale | undefined) ?? 'en';
}

/** `{name}` placeholders are replaced by vars; values are escaped by the templates, not here. */
export function translator(locale: Locale): Translate {
  const catalogue = CATALOGUES[locale];
  return (key, vars) => {
    const text = catalogue[key] ?? CATALOGUES.en[key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m) : text;
  };
}
