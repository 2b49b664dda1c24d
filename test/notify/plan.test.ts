/**
 * The planner as a table: each Notification_* rule setting (level None / Critical / All, default
 * recipients on or off, extra addresses) decides who is emailed; chat webhooks take what they
 * subscribe to. Pure: no database.
 */
import { describe, expect, it } from 'vitest';
import { contextOfRequest, contextOfSchedule, isCritical, type NotificationEvent, type Person } from '../../src/app/notifications/events.ts';
import { plan, planDigest, type PlanOptions } from '../../src/app/notifications/plan.ts';
import { defaultPolicyRules } from '../../src/domain/policy/defaults.ts';
import type { NotificationRule, PolicyRules, RuleId } from '../../src/domain/policy/rules.ts';

const person = (name: string): Person => ({ principalId: `${name}-id`, name, address: `${name}@contoso.test` });
const [alice, bob, carol, admin] = [person('alice'), person('bob'), person('carol'), person('admin')];
const AT = Date.parse('2026-01-05T09:00:00Z');
const EMAIL: PlanOptions = { email: true, webhooks: [], at: AT };

function event(type: NotificationEvent['type'], audiences: NotificationEvent['audiences'], extra: Partial<NotificationEvent> = {}): NotificationEvent {
  return {
    tenantId: 't1',
    type,
    key: `k:${type}`,
    context: 'EndUser_Assignment',
    privilegedRole: false,
    params: {
      roleName: 'User Administrator',
      principalName: 'Alice',
      requestId: 'r1',
      approvalId: 'r1',
      stepId: '1',
      action: 'selfActivate',
      kind: 'assignment',
    },
    audiences,
    ...extra,
  };
}

function rules(changes: Partial<Record<RuleId, Partial<NotificationRule>>> = {}): PolicyRules {
  const base = defaultPolicyRules();
  const out: Record<string, unknown> = { ...base };
  for (const [id, change] of Object.entries(changes)) out[id] = { ...base[id as RuleId], ...change };
  return out as PolicyRules;
}

const recipients = (deliveries: ReturnType<typeof plan>) => deliveries.map((d) => `${d.channel}:${d.recipient}`);

describe('the nine Notification_* rules', () => {
  const needed = event('approvalNeeded', { Approver: [bob, carol] });
  const approved = event('approved', { Requestor: [alice] });
  const activated = event('activated', { Admin: [admin] });

  it.each([
    // rule settings (on the rule that governs the recipient type)          → who is emailed
    ['defaults: all on, default recipients', {}, needed, ['email:bob@contoso.test', 'email:carol@contoso.test']],
    ['level None sends nothing, even critical events', { Notification_Approver_EndUser_Assignment: { notificationLevel: 'None' } }, needed, []],
    [
      'level Critical still sends an approval request (critical)',
      { Notification_Approver_EndUser_Assignment: { notificationLevel: 'Critical' } },
      needed,
      ['email:bob@contoso.test', 'email:carol@contoso.test'],
    ],
    ['level Critical drops an approval outcome (not critical)', { Notification_Requestor_EndUser_Assignment: { notificationLevel: 'Critical' } }, approved, []],
    [
      'level Critical drops activation of a role that is not privileged',
      { Notification_Admin_EndUser_Assignment: { notificationLevel: 'Critical' } },
      activated,
      [],
    ],
    [
      'level Critical keeps activation of a privileged role',
      { Notification_Admin_EndUser_Assignment: { notificationLevel: 'Critical' } },
      { ...activated, privilegedRole: true },
      ['email:admin@contoso.test'],
    ],
    [
      'default recipients off: only the extra addresses',
      { Notification_Approver_EndUser_Assignment: { isDefaultRecipientsEnabled: false, notificationRecipients: ['sec@contoso.test'] } },
      needed,
      ['email:sec@contoso.test'],
    ],
    [
      'default recipients off and no extra addresses: nobody',
      { Notification_Requestor_EndUser_Assignment: { isDefaultRecipientsEnabled: false } },
      approved,
      [],
    ],
    [
      'extra addresses join the default recipients',
      { Notification_Admin_EndUser_Assignment: { notificationRecipients: ['soc@contoso.test'] } },
      activated,
      ['email:admin@contoso.test', 'email:soc@contoso.test'],
    ],
    [
      'an extra address that is also a default recipient gets one message',
      { Notification_Requestor_EndUser_Assignment: { notificationRecipients: ['ALICE@contoso.test'] } },
      approved,
      ['email:alice@contoso.test'],
    ],
    [
      'another rule group does not apply',
      { Notification_Approver_Admin_Assignment: { notificationLevel: 'None' } },
      needed,
      ['email:bob@contoso.test', 'email:carol@contoso.test'],
    ],
  ] as const)('%s', (_name, changes, e, expected) => {
    expect(recipients(plan(e, rules(changes as never), EMAIL))).toEqual(expected);
  });

  it('picks the rule by recipient type and context: Admin_Eligibility for an eligible assignment', () => {
    const assigned = event('assigned', { Requestor: [alice], Admin: [admin] }, { context: 'Admin_Eligibility' });
    const r = rules({
      Notification_Admin_Admin_Eligibility: { notificationLevel: 'None' },
      Notification_Admin_Admin_Assignment: { notificationRecipients: ['x@contoso.test'] },
    });
    expect(recipients(plan(assigned, r, EMAIL))).toEqual(['email:alice@contoso.test']);
  });

  it("someone who is both requester and admin gets the requester's message only", () => {
    const assigned = event('assigned', { Requestor: [admin], Admin: [admin, bob] }, { context: 'Admin_Assignment' });
    const deliveries = plan(assigned, rules(), EMAIL);
    expect(deliveries.map((d) => [d.recipient, (d.params as { audience: string }).audience])).toEqual([
      ['admin@contoso.test', 'Requestor'],
      ['bob@contoso.test', 'Admin'],
    ]);
  });

  it('approvers with a principal get one-click links signed for them; extra addresses do not', () => {
    const r = rules({ Notification_Approver_EndUser_Assignment: { notificationRecipients: ['sec@contoso.test'] } });
    const deliveries = plan(needed, r, EMAIL);
    expect(deliveries.map((d) => (d.params as { approverId?: string }).approverId)).toEqual(['bob-id', 'carol-id', undefined]);
  });

  it('records subject and a dedupe key per happening, type, channel and address', () => {
    const [first] = plan(needed, rules(), EMAIL);
    expect(first).toMatchObject({
      tenantId: 't1',
      channel: 'email',
      template: 'approvalNeeded',
      dedupeKey: 'k:approvalNeeded:approvalNeeded:email:bob@contoso.test',
      createdAt: AT,
    });
    expect(first!.subject).toBe('OpenPIM: Approval needed: Alice requests to activate User Administrator');
  });

  it('without SMTP no email is planned', () => {
    expect(plan(needed, rules(), { ...EMAIL, email: false })).toEqual([]);
  });
});

describe('chat webhooks', () => {
  const webhooks = [{ name: 'all' }, { name: 'approvals', events: ['approvalNeeded'] as const }];
  it('get the events they subscribe to, whatever the email rules say, with every approver for links', () => {
    const none = rules({ Notification_Approver_EndUser_Assignment: { notificationLevel: 'None' } });
    const deliveries = plan(event('approvalNeeded', { Approver: [bob, { ...carol, principalId: null }] }), none, { ...EMAIL, webhooks });
    expect(recipients(deliveries)).toEqual(['chat:all', 'chat:approvals']);
    expect(deliveries[0]!.params).toMatchObject({ audience: 'Channel', approvers: [{ id: 'bob-id', name: 'bob' }] });
    expect(recipients(plan(event('approved', { Requestor: [alice] }), rules(), { ...EMAIL, email: false, webhooks }))).toEqual(['chat:all']);
  });
});

describe('what counts as critical', () => {
  it.each([
    ['approvalNeeded', false, true],
    ['denied', false, true],
    ['expired', false, true],
    ['activated', true, true],
    ['activated', false, false],
    ['approved', true, false],
    ['timedOut', false, false],
    ['assigned', true, false],
    ['expiring', false, false],
    ['extended', false, false],
  ] as const)('%s (privileged role: %s) → %s', (type, privilegedRole, critical) => {
    expect(isCritical({ type, privilegedRole })).toBe(critical);
  });

  it('maps requests and grants to the rule groups', () => {
    expect(contextOfRequest('selfActivate', 'assignment')).toBe('EndUser_Assignment');
    expect(contextOfRequest('selfExtend', 'eligibility')).toBe('Admin_Eligibility');
    expect(contextOfRequest('selfRenew', 'assignment')).toBe('Admin_Assignment');
    expect(contextOfSchedule({ kind: 'assignment', assignmentType: 'Activated' })).toBe('EndUser_Assignment');
    expect(contextOfSchedule({ kind: 'assignment', assignmentType: 'Assigned' })).toBe('Admin_Assignment');
    expect(contextOfSchedule({ kind: 'eligibility', assignmentType: null })).toBe('Admin_Eligibility');
  });
});

describe('the weekly digest', () => {
  it('goes to each administrator once and to subscribed webhooks, keyed by the week', () => {
    const digest = {
      week: '2026-W02',
      from: AT,
      to: AT + 7 * 86_400_000,
      activations: 3,
      topRoles: [],
      newPermanentActive: 1,
      newPermanentEligible: 0,
      outsidePim: 0,
    };
    const deliveries = planDigest('t1', { digest }, [admin, admin, bob], {
      ...EMAIL,
      webhooks: [
        { name: 'soc', events: ['digest'] },
        { name: 'approvals', events: ['approvalNeeded'] },
      ],
    });
    expect(recipients(deliveries)).toEqual(['email:admin@contoso.test', 'email:bob@contoso.test', 'chat:soc']);
    expect(deliveries[0]!.dedupeKey).toBe('digest:t1:2026-W02:digest:email:admin@contoso.test');
    expect(deliveries[0]!.subject).toBe('OpenPIM: PIM weekly digest 2026-W02');
  });
});
