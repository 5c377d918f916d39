import assert from 'node:assert/strict';
import { KeyVault } from '../../../main/config/key-vault';
import { createKeychain, SECRET_ACCOUNTS } from '../../../native/keychain';
import { profileIdOf, secretFragments, storedPrivateKeys } from '../../support/cli-runner';
import type { WebTill } from '../../support/web-till';

/**
 * The private key never crosses the contract (issue 5, "Bad input"): every frame the pages
 * received over the bridge, and everything the web host printed, is searched for a PEM
 * private-key marker, for pieces of the merchant's and the sandbox gateway's private keys
 * as the keychain holds them, for the supervisor PIN and for its stored hash.
 */

const PEM_MARKER = /-----BEGIN [A-Z ]*PRIVATE KEY-----|PRIVATE KEY/;

/** Every string anywhere in a JSON value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) strings(item, out);
  return out;
}

export interface SecretScan {
  frames: number;
  bytes: number;
}

export async function assertNoSecretsLeaked(w: WebTill, pins: readonly string[] = []): Promise<SecretScan> {
  const { dataDir } = w;
  const host = w.hostOutput();
  const frames = [...w.framesReceived, { page: 'the web host stdout', payload: host.stdout }, { page: 'the web host stderr', payload: host.stderr }];
  assert.ok(w.framesReceived.length > 0, 'no WebSocket frame was recorded: the scan would prove nothing');
  const profileId = profileIdOf(dataDir);
  const vault = new KeyVault(createKeychain(profileId));
  const merchantPem = (await vault.getMerchantPrivateKey()).export({ type: 'pkcs8', format: 'pem' }) as string;
  const fragments = [merchantPem, ...(await storedPrivateKeys(dataDir))].flatMap(secretFragments);
  assert.ok(fragments.length >= 10, 'the keys gave too few pieces to look for');
  const pinHash = await createKeychain(profileId).get(SECRET_ACCOUNTS.supervisorPinHash);
  // The hash's pieces (salt, digest) long enough not to occur by chance.
  const hashPieces = pinHash === null ? [] : pinHash.split(/[^A-Za-z0-9+/=_-]+/).filter((piece) => piece.length >= 16);
  if (pins.length > 0) assert.ok(hashPieces.length >= 2, 'a PIN was set, so its salted hash is in the keychain to look for');

  let bytes = 0;
  for (const [index, frame] of frames.entries()) {
    const where = index < w.framesReceived.length ? `frame #${index} received by ${frame.page}` : frame.page;
    bytes += frame.payload.length;
    assert.doesNotMatch(frame.payload, PEM_MARKER, `${where} carries a PEM private-key marker`);
    const flat = frame.payload.replace(/\\n|\s+/g, '');
    for (const fragment of fragments) assert.ok(!flat.includes(fragment), `${where} carries private key material`);
    for (const piece of hashPieces) assert.ok(!frame.payload.includes(piece), `${where} carries the supervisor PIN hash`);
    if (pins.length > 0) {
      // A PIN is a few digits: looked for as a whole JSON string, not inside timestamps or ids.
      let values: string[];
      try {
        values = strings(JSON.parse(frame.payload));
      } catch {
        values = [frame.payload];
      }
      for (const pin of pins) {
        assert.ok(!values.includes(pin), `${where} carries a PIN as a value`);
        assert.ok(!frame.payload.includes(`"${pin}"`), `${where} carries a PIN`);
      }
    }
  }
  return { frames: w.framesReceived.length, bytes };
}
