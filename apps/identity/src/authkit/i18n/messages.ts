import { catalogueTranslator, pickLocale as pickFrom } from '@wos/platform/pages';
import en from './en.json';
import fr from './fr.json';

export type MessageKey = keyof typeof en;
export type Locale = 'en' | 'fr';
export type Translate = (key: MessageKey, vars?: Record<string, string>) => string;

/* Every locale has every English key (messages.spec.ts checks it); English fills any gap. */
const CATALOGUES: Record<Locale, Record<string, string>> = { en, fr };
export const LOCALES = Object.keys(CATALOGUES) as Locale[];

/** The best supported locale for an `Accept-Language` header, English when none matches. */
export const pickLocale = (acceptLanguage: string | undefined): Locale => pickFrom(acceptLanguage, LOCALES, 'en');

/** `{name}` placeholders are replaced by vars; values are escaped by the templates, not here. */
export function translator(locale: Locale): Translate {
  return catalogueTranslator<MessageKey>(CATALOGUES, locale, 'en');
}
