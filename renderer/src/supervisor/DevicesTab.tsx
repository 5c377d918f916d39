import { useCallback, useState } from 'react';
import type { DevicesView, TillErrorView } from '../../../preload/contract';
import { useTill, useTillEvents } from '../app/till-context';
import { useI18n } from '../i18n/i18n-context';
import { ConfirmButton } from '../ui/ConfirmButton';
import { ErrorNote, OkNote } from '../ui/ErrorNote';
import { BAUD_RATES, blankDevice, formOf, toDeviceInput, type DeviceFormValues } from './device-form';
import { useLoad, useSupervisorCall } from './use-supervisor-call';

function DeviceForm({ initial, isNew, catalog, onSaved, onClose }: { initial: DeviceFormValues; isNew: boolean; catalog: DevicesView; onSaved: () => void; onClose: () => void }) {
  const call = useSupervisorCall();
  const { t } = useI18n();
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<TillErrorView | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof DeviceFormValues>(key: K, value: DeviceFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const profiles = values.role === 'printer' ? catalog.printerProfiles : catalog.displayProtocols;

  async function save(): Promise<void> {
    const checked = toDeviceInput(values);
    if (!checked.ok) {
      setError({ code: 'BAD_REQUEST', message: t(`devices.problem.${checked.field}`), field: checked.field });
      return;
    }
    setBusy(true);
    const result = await call('devices.save', { device: checked.device });
    setBusy(false);
    if (result.ok) onSaved();
    else setError(result.error);
  }

  return (
    <form
      className="panel device-form"
      data-testid="device-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3>{isNew ? t('devices.add') : t('devices.edit', { name: initial.name })}</h3>
      <div className="form-grid">
        <label className="field">
          <span>{t('devices.name')}</span>
          <input data-testid="device-name" value={values.name} maxLength={32} readOnly={!isNew} onChange={(e) => set('name', e.target.value)} />
        </label>
        <label className="field">
          <span>{t('devices.role')}</span>
          <select data-testid="device-role" value={values.role} onChange={(e) => setValues((v) => ({ ...v, role: e.target.value as DeviceFormValues['role'], profile: '' }))}>
            <option value="printer">{t('devices.role.printer')}</option>
            <option value="display">{t('devices.role.display')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('devices.path')}</span>
          <input data-testid="device-path" list="device-ports" value={values.path} maxLength={4096} spellCheck={false} onChange={(e) => set('path', e.target.value)} />
          <datalist id="device-ports">
            {catalog.ports.map((p) => (
              <option key={p.path} value={p.path}>
                {[p.manufacturer, p.serialNumber].filter((x) => x !== null).join(' ')}
              </option>
            ))}
          </datalist>
        </label>
        <label className="field">
          <span>{t('devices.profile')}</span>
          <select data-testid="device-profile" value={values.profile} onChange={(e) => set('profile', e.target.value)}>
            <option value="">{t('devices.defaultProfile')}</option>
            {profiles.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('devices.baud')}</span>
          <select data-testid="device-baud" value={values.baud} onChange={(e) => set('baud', e.target.value)}>
            {!(BAUD_RATES as readonly string[]).includes(values.baud) && <option value={values.baud}>{values.baud}</option>}
            {BAUD_RATES.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t('devices.dataBits')}</span>
          <select data-testid="device-data-bits" value={values.dataBits} onChange={(e) => set('dataBits', e.target.value as DeviceFormValues['dataBits'])}>
            <option value="8">8</option>
            <option value="7">7</option>
          </select>
        </label>
        <label className="field">
          <span>{t('devices.parity')}</span>
          <select data-testid="device-parity" value={values.parity} onChange={(e) => set('parity', e.target.value as DeviceFormValues['parity'])}>
            <option value="none">none</option>
            <option value="even">even</option>
            <option value="odd">odd</option>
          </select>
        </label>
        <label className="field">
          <span>{t('devices.stopBits')}</span>
          <select data-testid="device-stop-bits" value={values.stopBits} onChange={(e) => set('stopBits', e.target.value as DeviceFormValues['stopBits'])}>
            <option value="1">1</option>
            <option value="2">2</option>
          </select>
        </label>
        <label className="field">
          <span>{t('devices.flow')}</span>
          <select data-testid="device-flow" value={values.flow} onChange={(e) => set('flow', e.target.value as DeviceFormValues['flow'])}>
            <option value="none">none</option>
            <option value="rtscts">RTS/CTS</option>
            <option value="xonxoff">XON/XOFF</option>
          </select>
        </label>
        <label className="field check">
          <input type="checkbox" data-testid="device-enabled" checked={values.enabled} onChange={(e) => set('enabled', e.target.checked)} />
          <span>{t('devices.enabled')}</span>
        </label>
      </div>
      <ErrorNote error={error} testId="device-error" />
      <div className="actions">
        <button type="submit" className="btn btn-primary" data-testid="device-save" disabled={busy}>
          {t('common.save')}
        </button>
        <button type="button" className="btn" data-testid="device-form-cancel" onClick={onClose}>
          {t('common.close')}
        </button>
      </div>
    </form>
  );
}

/** Serial printers and customer displays: state, configuration, a test print. */
export function DevicesTab() {
  const call = useSupervisorCall();
  const { refreshStatus } = useTill();
  const { t } = useI18n();
  const load = useCallback(() => call('devices.list', {}), [call]);
  const listed = useLoad<DevicesView>(load);
  const [editing, setEditing] = useState<{ values: DeviceFormValues; isNew: boolean } | null>(null);
  useTillEvents((event) => {
    if (event.type === 'devices') listed.reload();
  });
  const [error, setError] = useState<TillErrorView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function remove(name: string): Promise<void> {
    setBusy(true);
    const result = await call('devices.remove', { name });
    setBusy(false);
    setError(result.ok ? null : result.error);
    setNotice(result.ok ? t('devices.removed', { name }) : null);
    listed.reload();
    await refreshStatus();
  }

  async function test(name: string): Promise<void> {
    setBusy(true);
    const result = await call('devices.test', { name });
    setBusy(false);
    setError(result.ok ? null : result.error);
    if (result.ok) setNotice(result.value.ok ? t('devices.testOk', { name }) : t('devices.testFailed', { name, message: result.value.message ?? '' }));
    listed.reload();
  }

  const data = listed.data;
  return (
    <div className="tab devices-tab" data-testid="devices-tab">
      <ErrorNote error={listed.error ?? error} testId="devices-error" />
      <OkNote text={notice} testId="device-test-result" />
      {data !== null && (
        <>
          {data.devices.length === 0 ? (
            <p className="muted" data-testid="devices-empty">
              {t('devices.none')}
            </p>
          ) : (
            <table className="devices" data-testid="devices-list">
              <thead>
                <tr>
                  <th>{t('devices.name')}</th>
                  <th>{t('devices.role')}</th>
                  <th>{t('devices.path')}</th>
                  <th>{t('devices.state')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.devices.map((d) => (
                  <tr key={d.name} data-testid={`device-${d.name}`} data-state={d.state}>
                    <td>{d.name}</td>
                    <td>{t(`devices.role.${d.role}`)}</td>
                    <td>
                      <code>{d.path}</code>
                    </td>
                    <td>
                      <span className={`badge ${d.state === 'ready' ? 'badge-paid' : d.state === 'busy' ? 'badge-waiting' : 'badge-failed'}`}>{t(`device.state.${d.state}`)}</span>
                      {!d.enabled && <span className="muted"> ({t('devices.disabled')})</span>}
                      {d.message !== null && <small className="muted"> {d.message}</small>}
                    </td>
                    <td className="row-actions">
                      <button type="button" className="btn" data-testid={`device-test-${d.name}`} disabled={busy} onClick={() => void test(d.name)}>
                        {d.role === 'printer' ? t('devices.testPrint') : t('devices.testDisplay')}
                      </button>
                      <button type="button" className="btn" data-testid={`device-edit-${d.name}`} onClick={() => setEditing({ values: formOf(d), isNew: false })}>
                        {t('devices.editButton')}
                      </button>
                      <ConfirmButton label={t('devices.remove')} testId={`device-remove-${d.name}`} disabled={busy} onConfirm={() => void remove(d.name)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {editing === null ? (
            <button type="button" className="btn btn-primary" data-testid="device-add" onClick={() => setEditing({ values: blankDevice(), isNew: true })}>
              {t('devices.add')}
            </button>
          ) : (
            <DeviceForm
              key={editing.isNew ? '(new)' : editing.values.name}
              initial={editing.values}
              isNew={editing.isNew}
              catalog={data}
              onClose={() => setEditing(null)}
              onSaved={() => {
                setEditing(null);
                setNotice(t('devices.saved'));
                listed.reload();
                void refreshStatus();
              }}
            />
          )}
        </>
      )}
    </div>
  );
}
