import { TillError } from '../errors';
import { PROFILE_DATA, type PrinterFeature, type PrinterProfileFields, type ProfileEntry } from './printer-profile-data';

/**
 * What the encoders need to know about a receipt printer model, chosen in configuration by
 * id (`generic` is the default): the entries of printer-profile-data.ts with their
 * inheritance resolved, asked `supports(feature)` as python-escpos's profiles are.
 */
export interface PrinterProfile extends PrinterProfileFields {
  id: string;
  supports(feature: PrinterFeature): boolean;
}

export type { PrinterFeature } from './printer-profile-data';

type ProfileData = Readonly<Record<string, ProfileEntry>>;

/** The profile's own fields over its parent's, all the way up to a root; a circle or a missing parent is a programming error. */
function resolve(data: ProfileData, id: string, seen: readonly string[] = []): PrinterProfileFields {
  if (seen.includes(id)) throw new Error(`printer profiles inherit in a circle: ${[...seen, id].join(' → ')}`);
  const own = Object.hasOwn(data, id) ? data[id] : undefined;
  if (!own) throw new Error(`printer profile ${seen.at(-1) ?? id} inherits from ${id}, which is not defined`);
  const { inherits, abstract: _abstract, features, ...fields } = own;
  if (inherits === undefined) {
    const root = { ...fields, features: { ...features } } as PrinterProfileFields;
    for (const key of ['name', 'moduleSize', 'dotsPerLine', 'maxQrBytes', 'cjk', 'codeTable'] as const) {
      if (root[key] === undefined) throw new Error(`printer profile ${id} has no parent, so it must say ${key}`);
    }
    return root;
  }
  const parent = resolve(data, inherits, [...seen, id]);
  return { ...parent, ...fields, features: { ...parent.features, ...features } };
}

function build(data: ProfileData, id: string): PrinterProfile {
  const fields = resolve(data, id);
  const features = Object.freeze({ ...fields.features });
  return Object.freeze({
    id,
    ...fields,
    moduleSize: Object.freeze({ ...fields.moduleSize }),
    features,
    supports: (feature: PrinterFeature) => features[feature] === true,
  });
}

/** Every profile a device may be set to, resolved (the abstract ones only serve as parents). */
export function resolveProfiles(data: ProfileData): Readonly<Record<string, PrinterProfile>> {
  return Object.freeze(
    Object.fromEntries(
      Object.entries(data)
        .filter(([, entry]) => entry.abstract !== true)
        .map(([id]) => [id, build(data, id)]),
    ),
  );
}

export const PRINTER_PROFILES = resolveProfiles(PROFILE_DATA);

export const DEFAULT_PROFILE_ID = 'generic';

export function getProfile(id: string): PrinterProfile {
  // hasOwn: 'constructor' or '__proto__' must not resolve to something off the prototype.
  const profile = Object.hasOwn(PRINTER_PROFILES, id) ? PRINTER_PROFILES[id] : undefined;
  if (!profile) {
    throw new TillError('PROFILE_UNKNOWN', `printer profile ${JSON.stringify(String(id).slice(0, 40))} is unknown; known profiles: ${Object.keys(PRINTER_PROFILES).join(', ')}`, { field: 'profile' });
  }
  return profile;
}
