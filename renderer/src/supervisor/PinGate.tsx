import { useState } from 'react';
import { PIN_SETUP_CODE_DIGITS, ROUTER_ERROR_CODES, type TillErrorView } from '../../../preload/contract';
import { useTill } from '../app/till-context';
import { useI18n } from '../i18n/i18n-context';
import { ErrorNote } from '../ui/ErrorNote';
import { NEW_PIN_MIN, lockedUntil } from './pin-entry';
import { PinPad } from './PinPad';

/**
 * Supervisor login; on a till without a PIN yet, setting the first one: the one-time code
 * `till keys set-pin --code` printed at the terminal, then the new PIN typed twice. A
 * screen alone cannot make itself supervisor (docs/architecture.md, "Who may change what
 * the till trusts").
 */
export function PinGate({ pinSet }: { pinSet: boolean }) {
  const { call, refreshStatus } = useTill();
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<TillErrorView | null>(null);
  const [lockEnd, setLockEnd] = useState<number | null>(null);
  const [code, setCode] = useState<string | null>(null);
  const [firstPin, setFirstPin] = useState<string | null>(null);
  const [mismatch, setMismatch] = useState(false);

  async function login(pin: string): Promise<void> {
    setBusy(true);
    const result = await call('supervisor.login', { pin });
    setBusy(false);
    if (result.ok) {
      setError(null);
      setLockEnd(null);
      await refreshStatus();
      return;
    }
    setError(result.error);
    setLockEnd(result.error.code === ROUTER_ERROR_CODES.pinLocked ? lockedUntil(result.error.retryAfterMs, Date.now()) : null);
  }

  async function setup(pin: string): Promise<void> {
    if (code === null) {
      setCode(pin);
      setError(null);
      setMismatch(false);
      return;
    }
    if (firstPin === null) {
      setFirstPin(pin);
      setMismatch(false);
      return;
    }
    if (pin !== firstPin) {
      setFirstPin(null);
      setMismatch(true);
      return;
    }
    setFirstPin(null);
    setCode(null);
    setBusy(true);
    const result = await call('supervisor.setupPin', { code, pin });
    setBusy(false);
    setError(result.ok ? null : result.error);
    setLockEnd(!result.ok && result.error.code === ROUTER_ERROR_CODES.pinLocked ? lockedUntil(result.error.retryAfterMs, Date.now()) : null);
    await refreshStatus();
  }

  if (!pinSet) {
    return (
      <div className="pin-gate" data-testid="pin-setup">
        <p className="muted">{t('pin.setupIntro')}</p>
        {code === null ? (
          <div data-testid="pin-setup-code">
            <PinPad
              title={t('pin.setupCode')}
              submitLabel={t('common.next')}
              onSubmit={(entered) => void setup(entered)}
              lockedUntil={lockEnd}
              busy={busy}
              minDigits={PIN_SETUP_CODE_DIGITS}
              maxDigits={PIN_SETUP_CODE_DIGITS}
            />
          </div>
        ) : (
          <PinPad
            title={firstPin === null ? t('pin.setupFirst') : t('pin.setupRepeat')}
            submitLabel={firstPin === null ? t('common.next') : t('pin.setupSave')}
            onSubmit={(pin) => void setup(pin)}
            lockedUntil={null}
            busy={busy}
            minDigits={NEW_PIN_MIN}
          />
        )}
        {mismatch && (
          <p className="note note-error" role="alert" data-testid="pin-mismatch">
            {t('pin.mismatch')}
          </p>
        )}
        <ErrorNote error={error} testId="pin-error" />
      </div>
    );
  }
  return (
    <div className="pin-gate" data-testid="pin-login">
      <PinPad title={t('pin.loginTitle')} submitLabel={t('pin.login')} onSubmit={(pin) => void login(pin)} lockedUntil={lockEnd} busy={busy} />
      {error !== null && error.code !== ROUTER_ERROR_CODES.pinLocked && <ErrorNote error={error} testId="pin-error" />}
    </div>
  );
}
