import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { fractionDigits, minorToDecimal } from '../money/currency';
import { DayView } from './DayView';
import { storeCall, StoreCallError, type StoreDay } from './store-client';
import { storeWords, type StoreLocale } from './store-words';

/**
 * The store screen (issue 14): sign in, pick a store and a day, see every terminal's day.
 * Figures are asked for again every few seconds, so they move as terminals sync without a
 * reload.
 */

const REFRESH_MS = 3_000;

interface Me {
  name: string;
  role: 'owner' | 'supervisor';
  stores: string[];
}

function today(): string {
  return new Date(Date.now() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
}

export function money(minor: string, currency: string): string {
  const digits = fractionDigits(currency);
  const n = BigInt(minor);
  const text = minorToDecimal(Number(n < 0n ? -n : n), digits);
  return `${n < 0n ? '-' : ''}${currency} ${text}`;
}

export function StoreApp() {
  const [locale, setLocale] = useState<StoreLocale>(navigator.language.startsWith('zh') ? 'zh-HK' : 'en');
  const t = storeWords(locale);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    storeCall<{ user: Me }>('GET', '/api/session').then(
      (r) => setMe(r.user),
      () => setMe(null),
    );
  }, []);

  const signIn = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      const r = await storeCall<{ user: Me }>('POST', '/api/session', { name: String(form.get('name') ?? ''), password: String(form.get('password') ?? '') });
      setError(null);
      setMe(r.user);
    } catch (e) {
      setError(e instanceof StoreCallError ? e.error.message : String(e));
    }
  };

  const signOut = async (everywhere: boolean) => {
    await storeCall('DELETE', `/api/session${everywhere ? '?everywhere=1' : ''}`).catch(() => undefined);
    setMe(null);
  };

  return (
    <div className="store-screen" lang={locale}>
      <header className="topbar">
        <div className="topbar-name">
          <strong>{t('title')}</strong>
          {me && <span className="muted" data-testid="store-user">{` · ${me.name} (${me.role})`}</span>}
        </div>
        <nav className="topbar-links">
          <button type="button" className="btn" onClick={() => setLocale(locale === 'en' ? 'zh-HK' : 'en')} data-testid="store-locale">
            {locale === 'en' ? '繁體中文' : 'English'}
          </button>
          {me && (
            <>
              <button type="button" className="btn" onClick={() => void signOut(false)} data-testid="store-sign-out">{t('signOut')}</button>
              <button type="button" className="btn" onClick={() => void signOut(true)}>{t('signOutEverywhere')}</button>
            </>
          )}
        </nav>
      </header>
      {me === null && (
        <form className="card store-sign-in" onSubmit={(e) => void signIn(e)} data-testid="store-sign-in">
          <label>
            {t('name')} <input name="name" autoComplete="username" required data-testid="store-name-input" />
          </label>
          <label>
            {t('password')} <input name="password" type="password" autoComplete="current-password" required data-testid="store-password-input" />
          </label>
          <button type="submit" className="btn btn-primary" data-testid="store-sign-in-button">{t('signIn')}</button>
          {error && <p className="note note-error" role="alert" data-testid="store-sign-in-error">{error}</p>}
        </form>
      )}
      {me && <Stores t={t} onSignedOut={() => setMe(null)} />}
    </div>
  );
}

function Stores({ t, onSignedOut }: { t: ReturnType<typeof storeWords>; onSignedOut: () => void }) {
  const [stores, setStores] = useState<string[] | null>(null);
  const [store, setStore] = useState<string | null>(null);
  const [date, setDate] = useState(today());
  const [day, setDay] = useState<StoreDay | null>(null);

  useEffect(() => {
    storeCall<{ stores: Array<{ id: string }> }>('GET', '/api/stores').then(
      (r) => {
        const ids = r.stores.map((s) => s.id);
        setStores(ids);
        setStore((current) => current ?? ids[0] ?? null);
      },
      () => onSignedOut(),
    );
  }, [onSignedOut]);

  const load = useCallback(() => {
    if (store === null) return;
    storeCall<StoreDay>('GET', `/api/stores/${encodeURIComponent(store)}/day?date=${date}`).then(setDay, (e: unknown) => {
      if (e instanceof StoreCallError && e.status === 401) onSignedOut();
    });
  }, [store, date, onSignedOut]);

  useEffect(() => {
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  if (stores === null) return null;
  if (stores.length === 0) return <p className="card" data-testid="store-none">{t('noStores')}</p>;
  return (
    <main className="store-main">
      <div className="store-pick">
        <label>
          {t('store')}{' '}
          <select value={store ?? ''} onChange={(e) => setStore(e.target.value)} data-testid="store-select">
            {stores.map((id) => (
              <option key={id} value={id}>{id}</option>
            ))}
          </select>
        </label>
        <label>
          {t('date')} <input type="date" value={date} onChange={(e) => setDate(e.target.value)} data-testid="store-date" />
        </label>
        {store !== null && (
          <a className="btn" href={`/api/stores/${encodeURIComponent(store)}/day.csv?date=${date}`} download data-testid="store-csv">
            {t('csv')}
          </a>
        )}
        <span className="muted small">{t('live')}</span>
      </div>
      {day && <DayView day={day} t={t} />}
    </main>
  );
}
