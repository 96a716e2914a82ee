import { catalogueTranslator, pickLocale as pickFrom } from '@wos/platform/pages';
import en from './en.json';
import fr from './fr.json';

export type MessageKey = keyof typeof en;
export type Locale = 'en' | 'fr';
export type Translate = (key: MessageKey, vars?: Record<string, string>) => string;

export const CATALOGUES: Record<Locale, Record<string, string>> = { en, fr };
const LOCALES = Object.keys(CATALOGUES) as Locale[];

export const pickLocale = (acceptLanguage: string | undefined): Locale => pickFrom(acceptLanguage, LOCALES, 'en');
export const translator = (locale: Locale): Translate => catalogueTranslator<MessageKey>(CATALOGUES, locale, 'en');
