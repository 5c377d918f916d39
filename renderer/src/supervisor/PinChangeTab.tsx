import { useState } from 'react';
import type { TillErrorView } from '../../../preload/contract';
import { useI18n } from '../i18n/i18n-context';
import { ErrorNote, OkNote } from '../ui/ErrorNote';
import { isPinComplete, NEW_PIN_MIN, PIN_MAX } from './pin-entry';
import { useSupervisorCall } from './use-supervisor-call';

export function PinChangeTab() {
  const call = useSupervisorCall();
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<TillErrorView | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const digitsOnly = (text: string) => text.replace(/\D/g, '').slice(0, PIN_MAX);

  async function submit(): Promise<void> {
    setDone(null);
    if (!isPinComplete(next, NEW_PIN_MIN)) {
      setProblem(t('pin.length', { min: NEW_PIN_MIN, max: PIN_MAX }));
      return;
    }
    if (next !== repeat) {
      setProblem(t('pin.mismatch'));
      return;
    }
    setProblem(null);
    setBusy(true);
    const result = await call('supervisor.changePin', { currentPin: current, newPin: next });
    setBusy(false);
    setCurrent('');
    setNext('');
    setRepeat('');
    setError(result.ok ? null : result.error);
    if (result.ok) setDone(t('pin.changed'));
  }

  const field = (label: string, value: string, set: (v: string) => void, testId: string) => (
    <label className="field">
      <span>{label}</span>
      <input type="password" inputMode="numeric" autoComplete="off" data-testid={testId} value={value} maxLength={PIN_MAX} onChange={(e) => set(digitsOnly(e.target.value))} />
    </label>
  );

  return (
    <form
      className="tab panel pin-change"
      data-testid="pin-change-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {field(t('pin.current'), current, setCurrent, 'pin-current')}
      {field(t('pin.new'), next, setNext, 'pin-new')}
      {field(t('pin.repeat'), repeat, setRepeat, 'pin-confirm')}
      {problem !== null && (
        <p className="note note-error" role="alert" data-testid="pin-change-problem">
          {problem}
        </p>
      )}
      <ErrorNote error={error} testId="pin-change-error" />
      <OkNote text={done} testId="pin-change-result" />
      <button type="submit" className="btn btn-primary btn-big" data-testid="pin-change-submit" disabled={busy || current === '' || next === ''}>
        {t('pin.change')}
      </button>
    </form>
  );
}
