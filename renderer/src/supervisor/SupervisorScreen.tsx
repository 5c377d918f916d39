import { useEffect, useState } from 'react';
import { useTill } from '../app/till-context';
import { useI18n } from '../i18n/i18n-context';
import { Banners } from '../ui/Banners';
import { ErrorNote } from '../ui/ErrorNote';
import { ScreenHeader } from '../ui/ScreenHeader';
import { DayTab } from './DayTab';
import { DevicesTab } from './DevicesTab';
import { KeysTab } from './KeysTab';
import { OrdersTab } from './OrdersTab';
import { PinChangeTab } from './PinChangeTab';
import { PinGate } from './PinGate';
import { SettingsTab } from './SettingsTab';

const TABS = ['day', 'orders', 'settings', 'keys', 'devices', 'pin'] as const;
type Tab = (typeof TABS)[number];

export function SupervisorScreen() {
  const { status, statusError, call, refreshStatus } = useTill();
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('day');

  // Leaving the supervisor screen ends the session: the till screen shares the connection.
  useEffect(
    () => () => {
      void call('supervisor.logout', {}).then(() => refreshStatus());
    },
    [call, refreshStatus],
  );

  async function logout(): Promise<void> {
    await call('supervisor.logout', {});
    setTab('day');
    await refreshStatus();
  }

  let body;
  if (status === null) {
    body = statusError === null ? <p className="muted">{t('common.loading')}</p> : <ErrorNote error={statusError} testId="status-error" />;
  } else if (!status.supervisor) {
    body = <PinGate pinSet={status.supervisorPinSet} />;
  } else {
    body = (
      <>
        <nav className="tabs" role="tablist">
          {TABS.map((name) => (
            <button key={name} type="button" role="tab" aria-selected={tab === name} className={`tab-button${tab === name ? ' active' : ''}`} data-testid={`tab-${name}`} onClick={() => setTab(name)}>
              {t(`tab.${name}`)}
            </button>
          ))}
          <button type="button" className="tab-button logout" data-testid="logout-button" onClick={() => void logout()}>
            {t('tab.logout')}
          </button>
        </nav>
        <div className="tab-body" role="tabpanel">
          {tab === 'day' && <DayTab />}
          {tab === 'orders' && <OrdersTab />}
          {tab === 'settings' && <SettingsTab />}
          {tab === 'keys' && <KeysTab />}
          {tab === 'devices' && <DevicesTab />}
          {tab === 'pin' && <PinChangeTab />}
        </div>
      </>
    );
  }

  return (
    <div className="screen supervisor-screen" data-testid="supervisor-screen">
      <ScreenHeader title={t('supervisor.title')}>
        <a className="btn nav-link" href="#/" data-testid="nav-till">
          {t('nav.till')}
        </a>
      </ScreenHeader>
      <Banners showKeys={false} />
      <main className="supervisor-main">{body}</main>
      {status !== null && (
        <footer className="muted small supervisor-version" data-testid="app-version">
          {t('supervisor.version', { version: status.appVersion })}
          {status.update !== null && ` · ${status.update.waitingFor === null ? t('update.ready', { version: status.update.version }) : t(`update.waiting.${status.update.waitingFor}`, { version: status.update.version })}`}
        </footer>
      )}
    </div>
  );
}
