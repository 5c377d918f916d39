import { DIGIT_KEYS, type EntryKey } from '../money/amount-entry';
import { useI18n } from '../i18n/i18n-context';

const LAYOUT: readonly EntryKey[] = [...DIGIT_KEYS.slice(0, 9), '00', '0', 'backspace'];

export function Keypad({ onKey, disabled, testIdPrefix = 'key' }: { onKey: (key: EntryKey) => void; disabled?: boolean; testIdPrefix?: string }) {
  const { t } = useI18n();
  return (
    <div className="keypad" role="group" aria-label={t('till.keypad')}>
      {LAYOUT.map((key) => (
        <button
          key={key}
          type="button"
          className={`key${key === 'backspace' ? ' key-fn' : ''}`}
          data-testid={`${testIdPrefix}-${key}`}
          disabled={disabled}
          aria-label={key === 'backspace' ? t('till.backspace') : key}
          onClick={() => onKey(key)}
        >
          {key === 'backspace' ? '⌫' : key}
        </button>
      ))}
    </div>
  );
}
