import { useTill } from '../app/till-context';
import { useI18n } from '../i18n/i18n-context';

/** The till's standing warnings: always on screen while they hold. */
export function Banners({ showKeys = true }: { showKeys?: boolean }) {
  const { status, link } = useTill();
  const { t } = useI18n();
  const banners: Array<{ id: string; kind: 'info' | 'warn' | 'error'; text: string }> = [];
  if (link.status === 'reconnecting') {
    banners.push({ id: 'banner-reconnecting', kind: 'error', text: t('banner.reconnecting') });
  }
  if (status !== null) {
    if (status.sandbox) banners.push({ id: 'banner-sandbox', kind: 'info', text: t('banner.sandbox') });
    // Online, the unresolved count includes every live QR: not worth a banner (the order
    // on screen says "checking…" when its outcome is unknown).
    if (status.connectivity.state === 'offline') {
      banners.push({ id: 'banner-offline', kind: 'error', text: t('banner.offline', { count: status.connectivity.unresolved }) });
    }
    if (status.deviceProblems.length > 0) {
      const list = status.deviceProblems.map((d) => `${d.name}: ${d.message ?? t(`device.state.${d.state}`)}`).join(' · ');
      banners.push({ id: 'banner-devices', kind: 'warn', text: t('banner.devices', { list }) });
    }
    if (showKeys && !status.canSign) banners.push({ id: 'banner-no-key', kind: 'error', text: t('banner.noKey') });
  }
  // Always in the page (empty when all is well), so the screen's grid rows stay put.
  return (
    <div className="banners" data-testid="banners">
      {banners.map((b) => (
        <div key={b.id} className={`banner banner-${b.kind}`} role="status" data-testid={b.id}>
          {b.text}
        </div>
      ))}
    </div>
  );
}
