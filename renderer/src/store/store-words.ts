import { translate, type Params } from '../i18n/translate';

/**
 * The store screen's words, English and 繁體中文, kept apart from the till's catalogs so the
 * till's bundle does not carry them (and this one not the till's). Same `{name}` rules.
 */
const en = {
  'title': 'Store day',
  'signIn': 'Sign in',
  'signOut': 'Sign out',
  'signOutEverywhere': 'Sign out everywhere',
  'name': 'Name',
  'password': 'Password',
  'store': 'Store',
  'date': 'Day',
  'storeTotal': 'Store total',
  'terminal': 'Terminal',
  'currency': 'Currency',
  'paid': 'Paid',
  'refunded': 'Refunded',
  'net': 'Net',
  'cancelled': 'Cancelled',
  'failed': 'Failed',
  'unresolved': 'Unresolved',
  'orders': '{count|# order|# orders}',
  'exceptions': 'Exceptions',
  'noExceptions': 'No exceptions.',
  'noStores': 'You have no stores to see.',
  'lastSynced': 'last synced {time}',
  'neverSynced': 'never synced',
  'live': 'Updates as terminals sync',
  'csv': 'Day as CSV',
} as const;

export type StoreWord = keyof typeof en;

const zhHK: Readonly<Record<StoreWord, string>> = {
  'title': '分店日結',
  'signIn': '登入',
  'signOut': '登出',
  'signOutEverywhere': '在所有裝置登出',
  'name': '名稱',
  'password': '密碼',
  'store': '分店',
  'date': '日期',
  'storeTotal': '分店合計',
  'terminal': '收銀機',
  'currency': '貨幣',
  'paid': '已付款',
  'refunded': '已退款',
  'net': '淨額',
  'cancelled': '已取消',
  'failed': '失敗',
  'unresolved': '未確定',
  'orders': '{count|# 張訂單|# 張訂單}',
  'exceptions': '異常',
  'noExceptions': '沒有異常。',
  'noStores': '你沒有可查看的分店。',
  'lastSynced': '最後同步 {time}',
  'neverSynced': '從未同步',
  'live': '收銀機同步時自動更新',
  'csv': '下載當日 CSV',
};

export type StoreLocale = 'en' | 'zh-HK';

export function storeWords(locale: StoreLocale): (key: StoreWord, params?: Params) => string {
  const catalog = locale === 'zh-HK' ? zhHK : en;
  return (key, params) => translate(catalog[key], params, locale);
}

export const STORE_CATALOGS = { en, 'zh-HK': zhHK };
