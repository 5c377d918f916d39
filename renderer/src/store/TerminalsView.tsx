import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { storeCall, StoreCallError } from './store-client';
import { dateTime } from './store-format';
import type { EnrolCode, TerminalRow } from '../../../preload/contract/store-views';
import type { StoreT } from './store-words';

/**
 * The store's terminals: last sync, what each still holds, its app version and open alarms.
 * Owners enrol (the one-time code is shown once, here) and revoke (two presses).
 */
export function TerminalsView({ store, owner, version, t, locale }: { store: string; owner: boolean; version: number; t: StoreT; locale: string }) {
  const [rows, setRows] = useState<TerminalRow[] | null>(null);
  const [code, setCode] = useState<EnrolCode | null>(null);
  const [armed, setArmed] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/stores/${encodeURIComponent(store)}`;
  const failed = (e: unknown) => setError(e instanceof StoreCallError ? e.error.message : String(e));

  const load = useCallback(() => {
    storeCall<{ terminals: TerminalRow[] }>('GET', `${base}/terminals`).then((r) => setRows(r.terminals), failed);
  }, [base]);
  useEffect(load, [load, version]);

  const enrol = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    try {
      setCode(await storeCall<EnrolCode>('POST', `${base}/enrol`, name ? { name } : {}));
      setError(null);
    } catch (e) {
      failed(e);
    }
  };

  const revoke = async (id: string) => {
    setArmed(null);
    try {
      await storeCall('POST', `${base}/terminals/${encodeURIComponent(id)}/revoke`);
      load();
    } catch (e) {
      failed(e);
    }
  };

  return (
    <div className="store-terminals" data-testid="store-terminals">
      {error && <p className="note note-error" role="alert" data-testid="store-terminals-error">{error}</p>}
      {rows && (
        <table className="store-table">
          <thead>
            <tr>
              <th>{t('terminal')}</th>
              <th>{t('version')}</th>
              <th>{t('lastSync')}</th>
              <th>{t('backlog')}</th>
              <th>{t('openAlarms')}</th>
              {owner && <th />}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="store-terminal-row" data-terminal={r.id} data-revoked={r.revokedAt ? 'yes' : 'no'}>
                <td>{`${r.name}${r.tillTerminal ? ` (${r.tillTerminal})` : ''}`}</td>
                <td data-testid="store-terminal-version">{r.appVersion ?? t('unknown')}</td>
                <td>{r.revokedAt ? t('revoked') : r.lastSyncAt === null ? t('neverSynced') : dateTime(r.lastSyncAt, locale)}</td>
                <td>{r.backlog}</td>
                <td>{r.openAlarms}</td>
                {owner && (
                  <td>
                    {r.revokedAt ? null : armed === r.id ? (
                      <button type="button" className="btn btn-danger" onClick={() => void revoke(r.id)} data-testid="store-revoke-confirm">{t('revokeConfirm', { name: r.name })}</button>
                    ) : (
                      <button type="button" className="btn" onClick={() => setArmed(r.id)} data-testid="store-revoke">{t('revoke')}</button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {owner && (
        <form className="card store-enrol" onSubmit={(e) => void enrol(e)}>
          <label>
            {t('enrolName')} <input name="name" maxLength={64} data-testid="store-enrol-name" />
          </label>
          <button type="submit" className="btn btn-primary" data-testid="store-enrol">{t('enrol')}</button>
          {code && <p className="note" data-testid="store-enrol-code">{t('enrolCode', { name: code.name, code: code.code, time: dateTime(code.expiresAt, locale) })}</p>}
        </form>
      )}
    </div>
  );
}
