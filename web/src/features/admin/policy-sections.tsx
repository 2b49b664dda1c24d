/**
 * A policy's settings as every settings page shows them: Activation, Assignment and Notification, each saved on its
 * own. Keyed by the policy, so choosing another one starts their forms afresh from what it holds.
 */
import { formatInstant } from '../../lib/time.ts';
import { ActivationSection } from './activation-section.tsx';
import { AssignmentSection } from './assignment-section.tsx';
import { NotificationSection } from './notification-section.tsx';
import type { Policy } from './policy-api.ts';

export function PolicySections({ policy }: { policy: Policy }) {
  return (
    <div key={policy.id} style={{ display: 'contents' }}>
      <ActivationSection policy={policy} />
      <AssignmentSection policy={policy} />
      <NotificationSection policy={policy} />
    </div>
  );
}

/** " Last changed … by …." — or `never` when the policy has not been changed. */
export function lastChanged(policy: Policy, never: string): string {
  if (!policy.lastModifiedDateTime) return never;
  const by = policy.lastModifiedBy?.displayName ? ` by ${policy.lastModifiedBy.displayName}` : '';
  return ` Last changed ${formatInstant(policy.lastModifiedDateTime)}${by}.`;
}
