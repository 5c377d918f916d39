import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n-context';

/**
 * A button for what cannot be undone (close the day, remove a device, replace the key):
 * the first press arms it, the second (`${testId}-confirm`) acts; it disarms by itself.
 */
export function ConfirmButton({
  label,
  onConfirm,
  testId,
  disabled = false,
  className = 'btn btn-danger',
}: {
  label: string;
  onConfirm: () => void;
  testId: string;
  disabled?: boolean;
  className?: string;
}) {
  const { t } = useI18n();
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return;
    const timer = setTimeout(() => setArmed(false), 5_000);
    return () => clearTimeout(timer);
  }, [armed]);
  if (!armed) {
    return (
      <button type="button" className={className} data-testid={testId} disabled={disabled} onClick={() => setArmed(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm">
      <button
        type="button"
        className="btn btn-danger"
        data-testid={`${testId}-confirm`}
        disabled={disabled}
        onClick={() => {
          setArmed(false);
          onConfirm();
        }}
      >
        {t('common.confirm', { action: label })}
      </button>
      <button type="button" className="btn" data-testid={`${testId}-abort`} onClick={() => setArmed(false)}>
        {t('common.back')}
      </button>
    </span>
  );
}
