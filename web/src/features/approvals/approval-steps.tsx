/** An approval's stages: each one's state, its quorum, and every decision with who, what, why and when. */
import { Badge, Text, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { formatInstant } from '../../lib/time.ts';
import type { Approval, ApprovalStep } from '../requests/api.ts';

const useStyles = makeStyles({
  stages: { display: 'flex', flexDirection: 'column', gap: '12px', margin: 0, padding: 0, listStyle: 'none' },
  stage: {
    display: 'flex',
    flexDirection: 'column',
    gap: '8px',
    padding: '12px 16px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  current: { borderLeft: `4px solid ${tokens.colorBrandStroke1}` },
  head: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  decisions: { display: 'flex', flexDirection: 'column', gap: '8px', margin: 0, paddingLeft: '18px' },
  decision: { display: 'flex', flexDirection: 'column', gap: '2px' },
  muted: { color: tokens.colorNeutralForeground3 },
  quote: { overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' },
});

type BadgeColor = 'danger' | 'informative' | 'severe' | 'subtle' | 'success' | 'warning';

function stepState(step: ApprovalStep): readonly [string, BadgeColor] {
  if (step.status === 'Completed') return step.reviewResult === 'Deny' ? ['Denied', 'danger'] : ['Approved', 'success'];
  if (step.status === 'InProgress') return ['Waiting for decisions', 'warning'];
  if (step.status === 'NotStarted') return ['Not started', 'subtle'];
  if (step.status === 'Canceled') return ['Canceled', 'subtle'];
  if (step.status === 'Expired' || step.status === 'TimedOut') return ['Timed out', 'severe'];
  return [step.status.replace(/([a-z])([A-Z])/g, '$1 $2'), 'informative'];
}

/** The approval as a whole, in words: what a person wants to know first. */
export function approvalState(approval: Approval): readonly [string, BadgeColor] {
  if (approval.steps.some((s) => s.status === 'Completed' && s.reviewResult === 'Deny')) return ['Denied', 'danger'];
  if (approval.steps.length > 0 && approval.steps.every((s) => s.status === 'Completed')) return ['Approved', 'success'];
  if (approval.steps.some((s) => s.status === 'InProgress')) return ['Waiting for approval', 'warning'];
  const last = approval.steps.at(-1);
  return last ? stepState(last) : ['No stages', 'subtle'];
}

export function ApprovalSteps({ approval }: { approval: Approval }) {
  const styles = useStyles();
  return (
    <ol className={styles.stages} aria-label="Approval stages">
      {approval.steps.map((step) => {
        const [label, color] = stepState(step);
        const decisions = step.decisions ?? [];
        const approvals = decisions.filter((d) => d.reviewResult === 'Approve').length;
        const required = step.approvalsRequired ?? 1;
        return (
          <li key={step.id} className={mergeClasses(styles.stage, step.status === 'InProgress' && styles.current)}>
            <div className={styles.head}>
              <h3 className={styles.heading}>{step.displayName}</h3>
              <Badge appearance="tint" color={color}>
                {label}
              </Badge>
              {step.assignedToMe && (
                <Badge appearance="outline" color="brand">
                  Waiting for you
                </Badge>
              )}
            </div>
            <Text>
              Needs {required} approval{required === 1 ? '' : 's'}
              {required > 1 ? ' (a quorum)' : ''}; {approvals} so far. One deny ends the request.
            </Text>
            {decisions.length === 0 ? (
              <Text className={styles.muted}>No decisions yet.</Text>
            ) : (
              <ul className={styles.decisions} aria-label={`Decisions of ${step.displayName}`}>
                {decisions.map((d) => (
                  <li key={`${d.reviewedBy.id}-${d.reviewedDateTime}`} className={styles.decision}>
                    <Text>
                      <Text weight="semibold">{d.reviewedBy.displayName ?? d.reviewedBy.id}</Text>
                      {d.reviewResult === 'Deny' ? ' denied' : ' approved'}
                      <Text className={styles.muted}> · {formatInstant(d.reviewedDateTime)}</Text>
                    </Text>
                    {d.justification ? (
                      <Text className={styles.quote}>“{d.justification}”</Text>
                    ) : (
                      <Text className={styles.muted}>No justification given.</Text>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ol>
  );
}
