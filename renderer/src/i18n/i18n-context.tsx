import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import type { TillErrorView } from '../../../preload/contract';
import { formatMoney } from '../money/currency';
import { catalogFor, type Locale } from './catalogs';
import type { MessageKey } from './en';
import { errorKey } from './error-text';
import { translate, type Params } from './translate';

export interface I18n {
  locale: Locale;
  t(key: MessageKey, params?: Params): string;
  money(minor: number, currency: string): string;
  dateTime(ms: number): string;
  time(ms: number): string;
  /** An error in the screen's words when it has them, else the till's message. */
  error(error: TillErrorView): string;
}

function makeI18n(locale: Locale): I18n {
  const catalog = catalogFor(locale);
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  const timeFormat = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
  const t = (key: MessageKey, params?: Params) => translate(catalog[key], params, locale);
  return {
    locale,
    t,
    money: (minor, currency) => formatMoney(minor, currency, locale),
    dateTime: (ms) => dateTimeFormat.format(ms),
    time: (ms) => timeFormat.format(ms),
    error(error) {
      const key = errorKey(error);
      return key === null ? error.message : t(key);
    },
  };
}

const I18nContext = createContext<I18n>(makeI18n('en'));

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => makeI18n(locale), [locale]);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
