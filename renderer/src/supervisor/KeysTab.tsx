import { useCallback, useState } from 'react';
import type { KeyStatusView, PublicKeyView, TillErrorView } from '../../../preload/contract';
import { useTill } from '../app/till-context';
import { useI18n } from '../i18n/i18n-context';
import { ErrorNote, OkNote } from '../ui/ErrorNote';
import { useLoad, useSupervisorCall } from './use-supervisor-call';

function Flag({ ok, testId }: { ok: boolean | null; testId: string }) {
  const { t } = useI18n();
  const text = ok === null ? t('keys.unknown') : ok ? t('keys.yes') : t('keys.no');
  return (
    <span className={`badge ${ok === null ? 'badge-checking' : ok ? 'badge-paid' : 'badge-failed'}`} data-testid={testId} data-value={String(ok)}>
      {text}
    </span>
  );
}

/**
 * The merchant key pair (made in the keychain, never shown) and Alipay's public key. A
 * screen makes the first merchant key only; replacing it and importing Alipay's key are
 * done at the terminal (docs/architecture.md, "Who may change what the till trusts").
 */
export function KeysTab() {
  const call = useSupervisorCall();
  const { refreshStatus } = useTill();
  const { t } = useI18n();
  const load = useCallback(() => call('keys.status', {}), [call]);
  const keys = useLoad<KeyStatusView>(load);
  const [publicKey, setPublicKey] = useState<PublicKeyView | null>(null);
  const [error, setError] = useState<TillErrorView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function generate(): Promise<void> {
    setBusy(true);
    const result = await call('keys.generate', {});
    setBusy(false);
    setError(result.ok ? null : result.error);
    if (result.ok) {
      setPublicKey(result.value);
      setNotice(t('keys.generated'));
      keys.reload();
      await refreshStatus();
    }
  }

  async function showPublic(): Promise<void> {
    const result = await call('keys.publicKey', {});
    setError(result.ok ? null : result.error);
    if (result.ok) setPublicKey(result.value);
  }

  const status = keys.data;
  return (
    <div className="tab keys-tab" data-testid="keys-tab">
      <ErrorNote error={keys.error ?? error} testId="keys-error" />
      <OkNote text={notice} testId="keys-notice" />
      {status !== null && (
        <table className="kv" data-testid="keys-status">
          <tbody>
            <tr>
              <th>{t('keys.merchantKey')}</th>
              <td>
                <Flag ok={status.merchantKeyPresent && status.merchantKeyValid} testId="keys-merchant-ok" /> <code>{status.merchantFingerprint ?? ''}</code>
              </td>
            </tr>
            <tr>
              <th>{t('keys.pairConsistent')}</th>
              <td>
                <Flag ok={status.merchantKeyPairConsistent} testId="keys-pair-ok" />
              </td>
            </tr>
            <tr>
              <th>{status.sandbox ? t('keys.alipayKeySandbox') : t('keys.alipayKey')}</th>
              <td>
                <Flag ok={status.alipayKeyPresent && status.alipayKeyValid} testId="keys-alipay-ok" /> <code>{status.alipayFingerprint ?? ''}</code>
              </td>
            </tr>
            {status.alipayKeyIsMerchantKey === true && (
              <tr>
                <td colSpan={2} className="note note-error" data-testid="keys-alipay-is-merchant">
                  {t('keys.alipayIsMerchant')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
      <div className="actions">
        {status !== null && !status.merchantKeyPresent && (
          <button type="button" className="btn btn-primary" data-testid="keys-generate" disabled={busy} onClick={() => void generate()}>
            {t('keys.generate')}
          </button>
        )}
        <button type="button" className="btn" data-testid="keys-show-public" disabled={busy || status === null || !status.merchantKeyPresent} onClick={() => void showPublic()}>
          {t('keys.showPublic')}
        </button>
      </div>
      {publicKey !== null && (
        <div className="panel">
          <p>{t('keys.uploadHint')}</p>
          <textarea className="pem" data-testid="keys-public-key" readOnly rows={9} value={publicKey.publicKeyPem} onFocus={(e) => e.currentTarget.select()} />
          <p className="muted">
            {t('keys.fingerprint')} <code data-testid="keys-public-fingerprint">{publicKey.fingerprint}</code>
          </p>
        </div>
      )}
      <p className="muted" data-testid="keys-terminal-only">
        {t('keys.terminalOnly')}
      </p>
    </div>
  );
}
