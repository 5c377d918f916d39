import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { formatCountdown } from '../order/countdown';
import { isPinComplete, pressPinKey, PIN_MAX, PIN_MIN } from './pin-entry';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'clear', '0', 'backspace'] as const;

/**
 * A PIN pad (touch and keyboard). The digits show as dots only; the PIN leaves this
 * component only through onSubmit and is cleared right after.
 */
export function PinPad({
  title,
  submitLabel,
  onSubmit,
  lockedUntil,
  busy,
  minDigits = PIN_MIN,
  maxDigits = PIN_MAX,
}: {
  title: string;
  submitLabel: string;
  onSubmit: (pin: string) => void;
  lockedUntil: number | null;
  busy: boolean;
  /** A new PIN needs more digits than a login; a setup code has exactly 8. */
  minDigits?: number;
  maxDigits?: number;
}) {
  const { t } = useI18n();
  const [pin, setPin] = useState('');
  const [now, setNow] = useState(() => Date.now());
  const locked = lockedUntil !== null && lockedUntil > now;

  useEffect(() => {
    if (lockedUntil === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [lockedUntil]);

  const disabled = busy || locked;
  const press = (entered: string, key: string) => (entered.length >= maxDigits && /^\d$/.test(key) ? entered : pressPinKey(entered, key));
  function submit(): void {
    if (disabled || !isPinComplete(pin, minDigits, maxDigits)) return;
    const entered = pin;
    setPin('');
    onSubmit(entered);
  }

  useEffect(() => {
    function onKey(event: KeyboardEvent): void {
      if (disabled || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.target instanceof HTMLInputElement || event.target instanceof HTMLTextAreaElement) return;
      if (event.key === 'Enter') {
        event.preventDefault();
        submit();
        return;
      }
      const key = event.key === 'Backspace' ? 'backspace' : event.key === 'Escape' ? 'clear' : event.key;
      const next = press(pin, key);
      if (next !== pin || key === 'backspace' || key === 'clear') {
        event.preventDefault();
        setPin(next);
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div className="panel pin-pad" data-testid="pin-pad">
      <h2>{title}</h2>
      <p className="pin-display" data-testid="pin-display" data-length={pin.length} aria-label={t('pin.entered', { count: pin.length })}>
        {'●'.repeat(pin.length) + '○'.repeat(Math.max(0, 4 - pin.length))}
      </p>
      {locked && lockedUntil !== null && (
        <p className="note note-error" role="alert" data-testid="pin-lockout">
          {t('pin.locked', { time: formatCountdown(lockedUntil - now) })}
        </p>
      )}
      <div className="keypad keypad-pin">
        {KEYS.map((key) => (
          <button
            key={key}
            type="button"
            className={`key${key.length > 1 ? ' key-fn' : ''}`}
            data-testid={`pin-key-${key}`}
            disabled={disabled || (key.length === 1 && pin.length >= maxDigits)}
            aria-label={key === 'backspace' ? t('till.backspace') : key === 'clear' ? t('till.clear') : key}
            onClick={() => setPin((p) => press(p, key))}
          >
            {key === 'backspace' ? '⌫' : key === 'clear' ? 'C' : key}
          </button>
        ))}
      </div>
      <button type="button" className="btn btn-primary btn-big" data-testid="pin-submit" disabled={disabled || !isPinComplete(pin, minDigits, maxDigits)} onClick={submit}>
        {submitLabel}
      </button>
    </div>
  );
}
