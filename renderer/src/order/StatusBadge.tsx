import type { OrderView } from '../../../preload/contract';
import { useI18n } from '../i18n/i18n-context';
import { orderPhase } from './order-status';

export function StatusBadge({ order, testId, large = false }: { order: OrderView; testId: string; large?: boolean }) {
  const { t } = useI18n();
  const phase = orderPhase(order);
  return (
    <span className={`badge badge-${phase}${large ? ' badge-large' : ''}`} data-testid={testId} data-phase={phase} data-state={order.state}>
      {t(`phase.${phase}`)}
    </span>
  );
}
