/**
 * The words of every notification: a template and its params become a Message (subject,
 * summary, facts, links), which email.ts and the chat adapter then lay out. Pure.
 */
import type { Message } from '../ports/notifier.ts';
import type { BreakGlassParams, DigestParams, NotificationParams, NotificationType } from './events.ts';

/** One approver's signed one-click links. */
export interface DecisionLinks {
  readonly approverName: string;
  readonly approve: string;
  readonly deny: string;
}

export interface RenderContext {
  /** Base URL of the OpenPIM UI and API, without a trailing slash. */
  readonly publicUrl: string;
  readonly decisionLinks?: readonly DecisionLinks[];
  /** When the decision links stop working. */
  readonly linksExpireAt?: number;
}

/** `2026-01-05 09:00 UTC` */
export const formatInstant = (at: number): string => `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const VERB: Readonly<Record<string, string>> = { selfActivate: 'activate', selfExtend: 'extend', selfRenew: 'renew' };
const verbOf = (action: string | undefined) => VERB[action ?? ''] ?? 'change';
const grantOf = (p: NotificationParams) =>
  p.kind === 'eligibility' ? 'eligible assignment' : p.assignmentType === 'Activated' ? 'activation' : 'active assignment';
const until = (endAt: number | null | undefined) => (endAt == null ? 'permanent' : formatInstant(endAt));

function subjectOf(type: NotificationType, p: NotificationParams): string {
  const you = p.audience === 'Requestor';
  const role = p.roleName ?? 'a role';
  const who = p.principalName ?? 'Someone';
  const yourRequest = you ? `Your request to ${verbOf(p.action)} ${role}` : `${who}'s request to ${verbOf(p.action)} ${role}`;
  switch (type) {
    case 'approvalNeeded':
      return `Approval needed: ${who} requests to ${verbOf(p.action)} ${role}`;
    case 'approved':
      return `${yourRequest} was approved`;
    case 'denied':
      return `${yourRequest} was denied`;
    case 'timedOut':
      return `${yourRequest} timed out`;
    case 'failed':
      return `${yourRequest} could not be completed`;
    case 'activated':
      return you ? `You activated ${role}` : `${who} activated ${role}`;
    case 'assigned': {
      const what = p.kind === 'eligibility' ? `eligible for ${role}` : `assigned ${role}`;
      return you ? `You are now ${what}` : `${who} is now ${what}`;
    }
    case 'expiring':
      return `${you ? 'Your' : `${who}'s`} ${grantOf(p)} of ${role} expires in ${p.within === '1d' ? '1 day' : '14 days'}`;
    case 'expired':
      return `${you ? 'Your' : `${who}'s`} ${grantOf(p)} of ${role} has expired`;
    case 'extended':
      return `${you ? 'Your' : `${who}'s`} ${grantOf(p)} of ${role} was extended`;
    case 'breakGlassUsed':
      return `Alert: break-glass account ${p.breakGlass?.account ?? who} was used`;
    case 'digest':
      return `PIM weekly digest ${p.digest?.week ?? ''}`.trim();
  }
}

function summaryOf(type: NotificationType, p: NotificationParams): string {
  const role = p.roleName ?? 'a role';
  const where = p.scopeName ? ` at ${p.scopeName}` : '';
  switch (type) {
    case 'approvalNeeded':
      return (
        `${p.principalName} asks to ${verbOf(p.action)} ${role}${where}. ${p.audience === 'Channel' ? 'An approver' : 'You'} may approve or deny` +
        `${p.stages && p.stages > 1 ? ` (stage ${p.stepId} of ${p.stages})` : ''}${p.escalation ? ', escalated because nobody decided in time' : ''}.`
      );
    case 'approved':
      return `The request was approved${p.approverName ? ` by ${p.approverName}` : ''}.`;
    case 'denied':
      return `The request was denied${p.approverName ? ` by ${p.approverName}` : ''}.`;
    case 'timedOut':
      return 'Nobody decided on the request in time, so it ended.';
    case 'failed':
      return `The request was approved but could not be carried out${p.reason ? `: ${p.reason}` : ''}.`;
    case 'activated':
      return `${p.principalName} activated ${role}${where}.`;
    case 'assigned':
      return `${p.principalName} was ${p.kind === 'eligibility' ? 'made eligible for' : 'assigned'} ${role}${where}.`;
    case 'expiring':
      return `The ${grantOf(p)} of ${role}${where} for ${p.principalName} ends on ${until(p.endAt)}. Ask for an extension if it is still needed.`;
    case 'expired':
      return `The ${grantOf(p)} of ${role}${where} for ${p.principalName} ended on ${until(p.endAt)}.`;
    case 'extended':
      return `The ${grantOf(p)} of ${role}${where} for ${p.principalName} now ends on ${until(p.endAt)}.`;
    case 'breakGlassUsed':
      return breakGlassSummary(p);
    case 'digest':
      return digestSummary(p.digest);
  }
}

function digestSummary(d: DigestParams | undefined): string {
  if (!d) return 'No activity.';
  return `Privileged access from ${formatInstant(d.from)} to ${formatInstant(d.to)}.`;
}

/** Break-glass accounts exist for emergencies: any use is news to every administrator, and may be an attack. */
function breakGlassSummary(p: NotificationParams): string {
  const b = p.breakGlass;
  const account = b ? `${p.principalName ?? b.account} (${b.account})` : (p.principalName ?? 'A break-glass account');
  const when = b ? ` at ${formatInstant(b.at)}` : '';
  const how = b ? ` by ${b.how}` : '';
  const from = b?.sourceIp ? ` from ${b.sourceIp}` : ' from an unknown address';
  return (
    `The break-glass account ${account} was used${when}${how}${from}. If you did not expect this, act now: ` +
    'sign in to OpenPIM, check the audit log for what the account did, and secure it (reset its password, revoke its sessions).'
  );
}

function breakGlassFacts(p: NotificationParams, b: BreakGlassParams): [string, string][] {
  const facts: [string, string][] = [['Account', b.account]];
  if (p.principalName && p.principalName !== b.account) facts.push(['Name', p.principalName]);
  facts.push(['When', formatInstant(b.at)], ['How', b.how], ['Source address', b.sourceIp ?? 'unknown']);
  if (b.method || b.path) facts.push(['Request', [b.method, b.path].filter(Boolean).join(' ')]);
  return facts;
}

function factsOf(type: NotificationType, p: NotificationParams): [string, string][] {
  if (type === 'breakGlassUsed' && p.breakGlass) return breakGlassFacts(p, p.breakGlass);
  if (type === 'digest' && p.digest) {
    const d = p.digest;
    return [
      ['Activations', String(d.activations)],
      ['Top activated roles', d.topRoles.length ? d.topRoles.map((r) => `${r.name} (${r.count})`).join(', ') : 'none'],
      ['New permanent active assignments', String(d.newPermanentActive)],
      ['New permanent eligible assignments', String(d.newPermanentEligible)],
      ['Active assignments made outside PIM', String(d.outsidePim)],
    ];
  }
  const facts: [string, string][] = [];
  const add = (label: string, value: string | null | undefined) => {
    if (value) facts.push([label, value]);
  };
  add('Role', p.roleName);
  add('Scope', p.scopeName);
  add(type === 'approvalNeeded' || p.requestId ? 'Requester' : 'Principal', p.principalName);
  add('Justification', p.justification);
  add('Ticket', [p.ticketSystem, p.ticketNumber].filter(Boolean).join(' ') || null);
  if (p.startAt != null && type !== 'expiring' && type !== 'expired') add('Starts', formatInstant(p.startAt));
  if (p.endAt !== undefined && type !== 'approvalNeeded') add('Ends', until(p.endAt));
  if (type === 'approvalNeeded' && p.expiresAt != null) add('Decide before', formatInstant(p.expiresAt));
  add('Approver', p.approverName);
  add('Approver justification', p.approverJustification);
  add('Request', p.requestId);
  return facts;
}

function actionsOf(type: NotificationType, p: NotificationParams, ctx: RenderContext): Message['actions'] {
  const base = ctx.publicUrl.replace(/\/+$/, '');
  const actions: { label: string; url: string; style?: 'primary' | 'danger' }[] = [];
  const many = (ctx.decisionLinks?.length ?? 0) > 1;
  for (const l of ctx.decisionLinks ?? []) {
    actions.push({ label: many ? `Approve as ${l.approverName}` : 'Approve', url: l.approve, style: 'primary' });
    actions.push({ label: many ? `Deny as ${l.approverName}` : 'Deny', url: l.deny, style: 'danger' });
  }
  if (type === 'approvalNeeded' && p.approvalId) actions.push({ label: 'Open the request', url: `${base}/approvals/${encodeURIComponent(p.approvalId)}` });
  else if (p.requestId) actions.push({ label: 'Open the request', url: `${base}/requests/${encodeURIComponent(p.requestId)}` });
  else if (type === 'digest') actions.push({ label: 'Open OpenPIM', url: `${base}/` });
  else if (type === 'breakGlassUsed') actions.push({ label: 'Open the audit log', url: `${base}/audit`, style: 'danger' });
  else actions.push({ label: 'Open my roles', url: `${base}/assignments` });
  return actions;
}

/** Renders a notification. Without a context (at planning time) only the subject is meaningful. */
export function render(type: NotificationType, params: NotificationParams, ctx: RenderContext = { publicUrl: '' }): Message {
  const note =
    ctx.decisionLinks?.length && ctx.linksExpireAt
      ? `The approve and deny links work once, only for the approver signed in to OpenPIM, until ${formatInstant(ctx.linksExpireAt)}. After that, open the request.`
      : undefined;
  return {
    ...(type === 'breakGlassUsed' ? { urgent: true } : {}),
    subject: `OpenPIM: ${subjectOf(type, params)}`,
    summary: summaryOf(type, params),
    facts: factsOf(type, params),
    actions: actionsOf(type, params, ctx),
    ...(note ? { note } : {}),
  };
}
