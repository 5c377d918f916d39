import { useCallback, useEffect, useState } from 'react';
import { TERMINAL_ONLY_SETTINGS, type SettingView, type TillErrorView } from '../../../preload/contract';
import { useTill } from '../app/till-context';
import { useI18n } from '../i18n/i18n-context';
import { ErrorNote, OkNote } from '../ui/ErrorNote';
import { changedValues, CHOICES, initialValues, SECTION_ORDER, sectionOf } from './settings-form';
import { useLoad, useSupervisorCall } from './use-supervisor-call';

export function SettingsTab() {
  const call = useSupervisorCall();
  const { refreshStatus } = useTill();
  const { t } = useI18n();
  const load = useCallback(() => call('settings.list', {}), [call]);
  const listed = useLoad<SettingView[]>(load);
  const [settings, setSettings] = useState<SettingView[] | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<TillErrorView | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (listed.data === null) return;
    setSettings(listed.data);
    setValues(initialValues(listed.data));
  }, [listed.data]);

  if (settings === null) return <ErrorNote error={listed.error} testId="settings-error" />;
  const changed = changedValues(settings, values);
  const changedCount = Object.keys(changed).length;

  async function save(): Promise<void> {
    if (changedCount === 0) return;
    setBusy(true);
    const result = await call('settings.set', { values: changed });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      setSaved(null);
      return;
    }
    setError(null);
    setSettings(result.value);
    setValues(initialValues(result.value));
    setSaved(t('settings.saved', { count: changedCount }));
    await refreshStatus();
  }

  return (
    <form
      className="tab settings-form"
      data-testid="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {SECTION_ORDER.map((section) => {
        const inSection = settings.filter((s) => sectionOf(s.key) === section);
        if (inSection.length === 0) return null;
        return (
          <fieldset key={section} className="settings-section" data-testid={`settings-section-${section}`}>
            <legend>{t(`settings.section.${section}`)}</legend>
            {inSection.map((setting) => {
              const value = values[setting.key] ?? '';
              const invalid = error?.field === setting.key;
              const choices = CHOICES[setting.key];
              const id = `setting-${setting.key}`;
              // Shown, not editable: the router refuses it from any screen (SETTING_TERMINAL_ONLY).
              const terminalOnly = TERMINAL_ONLY_SETTINGS.includes(setting.key);
              return (
                <div key={setting.key} className={`field setting${invalid ? ' invalid' : ''}${value !== (setting.value ?? '') ? ' changed' : ''}`}>
                  <label htmlFor={id}>
                    <code>{setting.key}</code>
                    {setting.optional && <span className="muted"> ({t('settings.optional')})</span>}
                  </label>
                  {terminalOnly ? (
                    <input id={id} data-testid={id} value={setting.value ?? ''} readOnly aria-readonly="true" />
                  ) : choices !== undefined ? (
                    <select id={id} data-testid={id} value={value} onChange={(e) => setValues({ ...values, [setting.key]: e.target.value })}>
                      {!choices.includes(value) && <option value={value}>{value}</option>}
                      {choices.map((c) => (
                        <option key={c} value={c}>
                          {setting.key === 'locale' ? t(`settings.locale.${c as 'en' | 'zh-HK'}`) : c}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <input id={id} data-testid={id} value={value} maxLength={4096} spellCheck={false} onChange={(e) => setValues({ ...values, [setting.key]: e.target.value })} />
                  )}
                  <small className="muted">{terminalOnly ? `${t('settings.terminalOnly', { key: setting.key })} ${setting.description}` : setting.description}</small>
                </div>
              );
            })}
          </fieldset>
        );
      })}
      <ErrorNote error={error} testId="settings-error" />
      <OkNote text={saved} testId="settings-saved" />
      <div className="actions sticky-actions">
        <button type="submit" className="btn btn-primary btn-big" data-testid="settings-save" disabled={busy || changedCount === 0}>
          {t('settings.save', { count: changedCount })}
        </button>
        <button type="button" className="btn btn-big" data-testid="settings-reset" disabled={busy || changedCount === 0} onClick={() => setValues(initialValues(settings))}>
          {t('settings.reset')}
        </button>
      </div>
    </form>
  );
}
