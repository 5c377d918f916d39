import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { qrJob } from '../../main/devices/escpos/qr-job';
import { PROFILE_DATA } from '../../main/devices/printer-profile-data';
import { getProfile, PRINTER_PROFILES, resolveProfiles } from '../../main/devices/profiles';

/** Printer profiles are data with inheritance (python-escpos's model): what a child does not say, its parent does. */

const GS_K = [0x1d, 0x28, 0x6b];
const GS_V0 = [0x1d, 0x76, 0x30];

function contains(haystack: Uint8Array, needle: readonly number[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe('printer profiles', () => {
  test('a child keeps what it does not say from its parent, and overrides what it says', () => {
    const t20 = getProfile('epson-tm-t20');
    assert.equal(t20.dotsPerLine, 576); // from 80mm
    assert.equal(t20.maxQrBytes, 2953); // from 80mm
    assert.deepEqual(t20.moduleSize, { min: 1, max: 16, preferred: 8 }); // from 80mm
    assert.equal(t20.codeTable, 16); // its own
    assert.equal(t20.cjk, null); // from default
    const raster = getProfile('raster-only');
    assert.equal(raster.dotsPerLine, 384); // generic → default
    assert.equal(raster.name, 'ESC/POS 58 mm without native QR (raster)');
  });

  test('supports(feature) reads the features along the chain', () => {
    assert.equal(getProfile('generic').supports('qrCode'), true);
    assert.equal(getProfile('raster-only').supports('qrCode'), false);
    assert.equal(getProfile('raster-only').supports('rasterImage'), true);
    for (const profile of Object.values(PRINTER_PROFILES)) assert.equal(profile.supports('paperPartCut'), true, profile.id);
  });

  test('the encoders ask the profile: auto mode prints native where supported, raster where not', () => {
    const url = 'https://qr.alipay.com/bax00000000000000000';
    assert.ok(contains(qrJob(url, getProfile('generic')), GS_K));
    const raster = qrJob(url, getProfile('raster-only'));
    assert.ok(contains(raster, GS_V0));
    assert.ok(!contains(raster, GS_K));
  });

  test('abstract profiles are parents only: not offered, not found', () => {
    for (const id of Object.keys(PROFILE_DATA).filter((id) => PROFILE_DATA[id]!.abstract)) {
      assert.ok(!(id in PRINTER_PROFILES), id);
      assert.throws(() => getProfile(id), /PROFILE_UNKNOWN|unknown/);
    }
    assert.ok(Object.keys(PRINTER_PROFILES).includes('generic'));
  });

  test('a profile with neither native QR nor raster images is refused by name, not printed as garbage', () => {
    const profiles = resolveProfiles({ ...PROFILE_DATA, 'text-only': { inherits: 'generic', name: 'Text only', features: { qrCode: false, rasterImage: false } } });
    assert.throws(() => qrJob('https://qr.alipay.com/x', profiles['text-only']!), (error: Error & { code?: string }) => error.code === 'QR_UNSUPPORTED' && /text-only/.test(error.message));
  });

  test('a circle, a missing parent or a root that leaves a field out is a programming error, named', () => {
    assert.throws(() => resolveProfiles({ a: { inherits: 'b', name: 'A' }, b: { inherits: 'a', name: 'B' } }), /circle: a → b → a/);
    assert.throws(() => resolveProfiles({ a: { inherits: 'nowhere', name: 'A' } }), /a inherits from nowhere/);
    assert.throws(() => resolveProfiles({ root: { name: 'R' } }), /root has no parent, so it must say moduleSize/);
  });

  test('profiles are frozen: a caller cannot change what every job reads', () => {
    const generic = getProfile('generic');
    assert.ok(Object.isFrozen(generic) && Object.isFrozen(generic.moduleSize) && Object.isFrozen(generic.features));
  });
});
