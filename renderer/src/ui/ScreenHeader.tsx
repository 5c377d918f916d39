import type { ReactNode } from 'react';
import { useTill } from '../app/till-context';
import { useI18n } from '../i18n/i18n-context';

/** Store, terminal and the screen's own links. */
export function ScreenHeader({ children, title }: { children?: ReactNode; title?: string }) {
  const { status } = useTill();
  const { t, time } = useI18n();
  const store = status?.store ?? null;
  const sent = store?.lastSentAt == null ? t('status.storeNever') : time(store.lastSentAt);
  return (
    <header className="topbar">
      <div className="topbar-name">
        <strong data-testid="store-name">{status?.storeName ?? ''}</strong>
        <span className="muted">{status === null ? '' : ` · ${status.merchantName} · ${status.terminalId}`}</span>
        {store !== null && (
          <span className="muted small" data-testid="store-sync" data-backlog={store.backlog}>
            {' · '}
            {store.backlog === 0 ? t('status.storeSent', { time: sent }) : t('status.storeBacklog', { count: store.backlog, time: sent })}
          </span>
        )}
        {title !== undefined && <span className="topbar-title">{title}</span>}
      </div>
      <nav className="topbar-links">{children}</nav>
    </header>
  );
}
