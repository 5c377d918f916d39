import { en, type MessageKey } from './en';
import { zhHK } from './zh-HK';

export type Locale = 'en' | 'zh-HK';
export type { MessageKey };

export const CATALOGS: Readonly<Record<Locale, Readonly<Record<MessageKey, string>>>> = { en, 'zh-HK': zhHK };

export function catalogFor(locale: string): Readonly<Record<MessageKey, string>> {
  return locale === 'zh-HK' ? zhHK : en;
}
