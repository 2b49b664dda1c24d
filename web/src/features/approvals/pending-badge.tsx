/** The navigation's count of decisions waiting for the signed-in person (nothing when none). */
import { CounterBadge } from '@fluentui/react-components';
import { usePendingCount } from './api.ts';

export function PendingApprovalsBadge() {
  const count = usePendingCount();
  if (!count) return null;
  return (
    <>
      <CounterBadge count={count} size="small" appearance="filled" color="brand" aria-hidden style={{ marginLeft: 8 }} />
      <span className="visually-hidden"> ({count} waiting)</span>
    </>
  );
}
