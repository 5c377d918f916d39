/**
 * Message catalogs: one flat object per language, `{name}` for the values filled in.
 * The zh-HK catalog is typed against the English one, so a missing key does not compile.
 */

export type Params = Readonly<Record<string, string | number>>;

export function translate(template: string, params?: Params): string {
  if (params === undefined) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole));
}

/** The `{name}` slots of a message, sorted: both languages must fill the same ones. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}
