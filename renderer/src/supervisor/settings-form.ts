import type { SettingView } from '../../../preload/contract';

/**
 * The settings form works on text, as `till config set` does: the router checks every
 * value and refuses the whole save if one is wrong, so the form only has to send what
 * the supervisor changed.
 */

export function initialValues(settings: readonly SettingView[]): Record<string, string> {
  return Object.fromEntries(settings.map((s) => [s.key, s.value ?? '']));
}

export function changedValues(settings: readonly SettingView[], edited: Readonly<Record<string, string>>): Record<string, string> {
  const changed: Record<string, string> = {};
  for (const setting of settings) {
    const value = edited[setting.key];
    if (value !== undefined && value !== (setting.value ?? '')) changed[setting.key] = value;
  }
  return changed;
}

/** Sections of the form, by the key's first part; the rest goes under "other". */
const SECTIONS: ReadonlyArray<[section: string, prefixes: readonly string[]]> = [
  ['gateway', ['gateway.', 'client.', 'site']],
  ['merchant', ['merchant.', 'seller.', 'settleContractId', 'notifyUrl', 'merchantRedirectUrl', 'trade.']],
  ['store', ['store.', 'terminal.', 'operator.', 'currency.']],
  ['payment', ['payment.']],
  ['screens', ['locale', 'ui.']],
];

export type SettingsSection = 'gateway' | 'merchant' | 'store' | 'payment' | 'screens' | 'other';

export function sectionOf(key: string): SettingsSection {
  for (const [section, prefixes] of SECTIONS) {
    if (prefixes.some((p) => (p.endsWith('.') ? key.startsWith(p) : key === p))) return section as SettingsSection;
  }
  return 'other';
}

export const SECTION_ORDER: readonly SettingsSection[] = ['gateway', 'merchant', 'store', 'payment', 'screens', 'other'];

/** Choices the form offers as a list instead of free text. */
export const CHOICES: Readonly<Record<string, readonly string[]>> = {
  locale: ['en', 'zh-HK'],
  site: ['ALIPAY_CN', 'ALIPAY_HK', 'ALIPAY_SG', 'KAKAOPAY'],
  'ui.kiosk': ['false', 'true'],
  'ui.customerWindow': ['auto', 'off'],
};
