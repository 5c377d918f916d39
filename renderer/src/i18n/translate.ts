/**
 * Message catalogs: one flat object per language, `{name}` for the values filled in, and
 * `{name|one|other}` where the words follow a number's plural category (`#` is the number):
 * "{count|# order|# orders}". The zh-HK catalog is typed against the English one, so a
 * missing key does not compile.
 */

export type Params = Readonly<Record<string, string | number>>;

const SLOT = /\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?\}/g;

// One PluralRules per locale: t() runs on every render (the countdown re-renders each second).
const pluralRules = new Map<string, Intl.PluralRules>();

function pluralCategory(locale: string, value: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(locale);
  if (rules === undefined) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules.select(value);
}

export function translate(template: string, params?: Params, locale = 'en'): string {
  if (params === undefined) return template;
  return template.replace(SLOT, (whole, name: string, one: string | undefined, other: string | undefined) => {
    if (!Object.prototype.hasOwnProperty.call(params, name)) return whole;
    const value = params[name]!;
    if (one === undefined || other === undefined) return String(value);
    const form = typeof value === 'number' && pluralCategory(locale, value) === 'one' ? one : other;
    return form.replace(/#/g, String(value));
  });
}

/** The `{name}` slots of a message, sorted: both languages must fill the same ones. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(SLOT)].map((m) => m[1] ?? '').sort();
}
