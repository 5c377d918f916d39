import { useCallback, useState, useEffect, type FormEvent } from 'react';
import { DayView } from './DayView';
import { OrderDetailView } from './OrderDetailView';
import { SearchView } from './SearchView';
import { StoreCloseBar } from './StoreCloseBar';
import { StoreZView } from './StoreZView';
import { TerminalsView } from './TerminalsView';
import { storeCall, StoreCallError } from './store-client';
import { today } from './store-format';
import { preloadDay, takePreloadedDay } from './day-preload';
import type { StoreReport } from '../../../preload/contract/store-views';
import { storeWords, type StoreLocale, type StoreT } from './store-words';
import { useStoreEvents } from './use-store-events';

/**
 * The store screen (issue 14): sign in, pick a store and a day; the day of every terminal,
 * search, one order, the terminals, closing the store day and its Z report. Figures move
 * as terminals sync (server-sent events, use-store-events.ts), without a reload.
 */

interface Me {
  name: string;
  role: 'owner' | 'supervisor';
  stores: string[];
}

type View = { kind: 'day' } | { kind: 'search' } | { kind: 'terminals' } | { kind: 'order'; terminal: string; id: number; from: 'day' | 'search' } | { kind: 'z' };

export function StoreApp() {
  const [locale, setLocale] = useState<StoreLocale>(navigator.language.startsWith('zh') ? 'zh-HK' : 'en');
  const t = storeWords(locale);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  // The stores this user may see come with the session, so the day is asked for straight after.
  const [visible, setVisible] = useState<string[] | null>(null);
  useEffect(() => {
    storeCall<{ user: Me; visible: Array<{ id: string }> }>('GET', '/api/session').then(
      (r) => {
        const first = r.visible[0]?.id;
        if (first !== undefined) preloadDay(first, today());
        setVisible(r.visible.map((s) => s.id));
        setMe(r.user);
      },
      () => setMe(null),
    );
  }, []);

  const signIn = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      const r = await storeCall<{ user: Me }>('POST', '/api/session', { name: String(form.get('name') ?? ''), password: String(form.get('password') ?? '') });
      setError(null);
      setVisible(null);
      setMe(r.user);
    } catch (e) {
      setError(e instanceof StoreCallError ? e.error.message : String(e));
    }
  };

  const signedOut = useCallback(() => {
    setVisible(null);
    setMe(null);
  }, []);

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
      {me && <Stores t={t} locale={locale} owner={me.role === 'owner'} known={visible} onSignedOut={signedOut} />}
    </div>
  );
}

function Stores({ t, locale, owner, known, onSignedOut }: { t: StoreT; locale: StoreLocale; owner: boolean; known: string[] | null; onSignedOut: () => void }) {
  const [stores, setStores] = useState<string[] | null>(known);
  const [store, setStore] = useState<string | null>(known?.[0] ?? null);
  const [date, setDate] = useState(today());
  const [day, setDay] = useState<StoreReport | null>(null);
  const [view, setView] = useState<View>({ kind: 'day' });
  // Bumped on every live change, so the parts that load their own figures load again.
  const [version, setVersion] = useState(0);

  useEffect(() => {
    if (known !== null) return;
    storeCall<{ stores: Array<{ id: string }> }>('GET', '/api/stores').then(
      (r) => {
        const ids = r.stores.map((s) => s.id);
        setStores(ids);
        setStore((current) => current ?? ids[0] ?? null);
      },
      () => onSignedOut(),
    );
  }, [known, onSignedOut]);

  const load = useCallback(() => {
    if (store === null) return;
    (takePreloadedDay(store, date) ?? storeCall<StoreReport>('GET', `/api/stores/${encodeURIComponent(store)}/day?date=${date}`)).then(setDay, (e: unknown) => {
      if (e instanceof StoreCallError && e.status === 401) onSignedOut();
    });
  }, [store, date, onSignedOut]);

  useEffect(load, [load]);
  const live = useStoreEvents(store, () => {
    load();
    setVersion((v) => v + 1);
  }, onSignedOut);

  if (stores === null) return null;
  if (stores.length === 0) return <p className="card" data-testid="store-none">{t('noStores')}</p>;
  const tab = (kind: 'day' | 'search' | 'terminals', label: string) => (
    <button type="button" className={`btn${view.kind === kind ? ' btn-primary' : ''}`} onClick={() => setView({ kind })} data-testid={`store-tab-${kind}`} aria-pressed={view.kind === kind}>
      {label}
    </button>
  );
  return (
    <main className="store-main">
      <div className="store-pick no-print">
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
        <span className={`small ${live ? 'store-live' : 'muted'}`} data-testid="store-live" data-live={live ? 'yes' : 'no'}>{live ? `● ${t('liveOn')}` : t('liveOff')}</span>
      </div>
      <nav className="store-tabs no-print">
        {tab('day', t('tabDay'))}
        {tab('search', t('tabSearch'))}
        {tab('terminals', t('tabTerminals'))}
      </nav>
      {store !== null && view.kind === 'day' && (
        <>
          <StoreCloseBar store={store} date={date} version={version} t={t} locale={locale} onShowZ={() => setView({ kind: 'z' })} />
          {day && <DayView day={day} t={t} locale={locale} onOpen={(e) => e.orderId !== null && setView({ kind: 'order', terminal: e.terminalId, id: e.orderId, from: 'day' })} />}
        </>
      )}
      {store !== null && (
        // Kept mounted while an order is open, so Back finds the results as they were.
        <div hidden={view.kind !== 'search'}>
          <SearchView key={store} store={store} terminals={day?.terminals ?? []} t={t} locale={locale} onOpen={(o) => setView({ kind: 'order', terminal: o.terminal, id: o.id, from: 'search' })} />
        </div>
      )}
      {store !== null && view.kind === 'terminals' && <TerminalsView store={store} owner={owner} version={version} t={t} locale={locale} />}
      {store !== null && view.kind === 'order' && <OrderDetailView store={store} terminal={view.terminal} id={view.id} t={t} locale={locale} onBack={() => setView({ kind: view.from })} />}
      {store !== null && view.kind === 'z' && <StoreZView store={store} date={date} t={t} locale={locale} onBack={() => setView({ kind: 'day' })} />}
    </main>
  );
}
