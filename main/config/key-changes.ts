import { TillError } from '../errors';
import type { Journal } from '../journal/journal';
import type { Actor } from '../journal/types';
import type { TrustInForce } from '../journal/z-report';
import { fingerprint } from './key-material';
import type { KeyVault } from './key-vault';
import { recordTrustEvent } from './trust-audit';

/**
 * Changes of the keys that prove a payment (docs/architecture.md, "Who may change what the
 * till trusts"): replacing the merchant key and importing Alipay's public key are made at
 * the terminal, journaled with the old and new fingerprints, and raise a TRUST alarm.
 */

/**
 * The merchant key is not replaced while a day it signed orders of is still open: those
 * orders are still queried, cancelled and refunded with it (the gateway knows them by the
 * key registered then), and the Z report names the key in force.
 */
export function assertMerchantKeyReplaceable(journal: Journal): void {
  const open = journal.openDaysWithOrders();
  if (open.length === 0) return;
  throw new TillError(
    'KEY_IN_USE',
    `The merchant key signed orders of business day${open.length === 1 ? '' : 's'} ${open.join(', ')}, not closed yet: close ${open.length === 1 ? 'it' : 'them'} first (till close-day), then replace the key. Nothing was changed.`,
    { field: 'merchantPrivateKey' },
  );
}

/** Runs a key change and journals it: who, which key, the fingerprints before and after. */
export async function auditedKeyChange<T extends { fingerprint: string }>(
  vault: KeyVault,
  journal: Journal,
  actor: Actor,
  key: 'merchantPrivateKey' | 'alipayPublicKey',
  change: () => Promise<T>,
): Promise<T> {
  const before = (await vault.status())[key];
  const result = await change();
  const from = before.present ? (before.fingerprint ?? 'unusable') : null;
  if (from === result.fingerprint) return result;
  const what = key === 'merchantPrivateKey' ? 'merchant key' : 'Alipay public key';
  recordTrustEvent(
    journal,
    actor,
    key === 'merchantPrivateKey' ? 'merchant_key_changed' : 'alipay_key_changed',
    { key, from, to: result.fingerprint },
    `The ${what} was ${from === null ? 'stored' : 'replaced'} at the terminal (fingerprint ${from ?? 'none'} → ${result.fingerprint}).`,
  );
  return result;
}

/**
 * The fingerprints and gateway in force, for the Z report (never key material). Closing a
 * day is bookkeeping: it must not fail because the keychain cannot be read just then
 * (locked, no Secret Service), so the keys are then recorded as unknown (null).
 */
export async function trustInForce(till: { vault: KeyVault; config(): { 'profile.mode': string; 'gateway.baseUrl': string }; sandbox(): boolean }): Promise<TrustInForce> {
  const config = till.config();
  const known = { mode: config['profile.mode'], gatewayBaseUrl: config['gateway.baseUrl'] };
  try {
    const status = await till.vault.status();
    const gatewayKey = till.sandbox()
      ? fingerprint((await till.vault.getSandboxGatewayPublicKey()).export({ type: 'spki', format: 'pem' }) as string)
      : status.alipayPublicKey.fingerprint;
    return { ...known, merchantKey: status.merchantPrivateKey.fingerprint, gatewayKey };
  } catch {
    return { ...known, merchantKey: null, gatewayKey: null };
  }
}
