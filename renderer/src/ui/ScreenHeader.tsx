import type { ReactNode } from 'react';
import { useTill } from '../app/till-context';

/** Store, terminal and the screen's own links. */
export function ScreenHeader({ children, title }: { children?: ReactNode; title?: string }) {
  const { status } = useTill();
  return (
    <header className="topbar">
      <div className="topbar-name">
        <strong data-testid="store-name">{status?.storeName ?? ''}</strong>
        <span className="muted">{status === null ? '' : ` · ${status.merchantName} · ${status.terminalId}`}</span>
        {title !== undefined && <span className="topbar-title">{title}</span>}
      </div>
      <nav className="topbar-links">{children}</nav>
    </header>
  );
}
