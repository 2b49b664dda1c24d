/** Templates, email layout and chat payloads: what people read. Pure. */
import { describe, expect, it } from 'vitest';
import { isoWeek, weekStart } from '../../src/app/notifications/digest.ts';
import { emailHtml, emailText } from '../../src/app/notifications/email.ts';
import { render } from '../../src/app/notifications/templates.ts';
import { backoff } from '../../src/app/notifications/send.ts';
import { slackPayload, teamsPayload } from '../../src/notify/chat-formats.ts';

const AT = Date.parse('2026-01-05T09:00:00Z');
const params = {
  audience: 'Approver' as const,
  principalName: 'Alice <script>',
  roleName: 'User Administrator',
  scopeName: 'Contoso (/)',
  action: 'selfActivate',
  kind: 'assignment' as const,
  requestId: 'r 1',
  approvalId: 'r 1',
  stepId: '1',
  stages: 1,
  justification: 'Reset "locked" accounts & more',
  ticketNumber: 'INC-42',
  ticketSystem: 'ServiceNow',
  expiresAt: AT + 86_400_000,
};
const links = [{ approverName: 'Bob', approve: 'https://pim.example/approve?token=A', deny: 'https://pim.example/approve?token=D' }];

describe('an approval request', () => {
  const message = render('approvalNeeded', params, { publicUrl: 'https://pim.example/', decisionLinks: links, linksExpireAt: AT + 3_600_000 });

  it('names the request, justification and ticket, with approve, deny and UI links', () => {
    expect(message.subject).toBe('OpenPIM: Approval needed: Alice <script> requests to activate User Administrator');
    expect(message.facts).toEqual(
      expect.arrayContaining([
        ['Justification', 'Reset "locked" accounts & more'],
        ['Ticket', 'ServiceNow INC-42'],
        ['Decide before', '2026-01-06 09:00 UTC'],
      ]),
    );
    expect(message.actions.map((a) => [a.label, a.url])).toEqual([
      ['Approve', links[0]!.approve],
      ['Deny', links[0]!.deny],
      ['Open the request', 'https://pim.example/approvals/r%201'],
    ]);
    expect(message.note).toContain('until 2026-01-05 10:00 UTC');
  });

  it('as email: text with every link, HTML escaped', () => {
    const text = emailText(message);
    expect(text).toContain(`Approve: ${links[0]!.approve}`);
    expect(text).toContain('Justification: Reset "locked" accounts & more');
    const html = emailHtml(message);
    expect(html).toContain('Alice &lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain(`href="${links[0]!.approve}"`);
    expect(html).toContain('Reset &quot;locked&quot; accounts &amp; more');
  });

  it('as Slack blocks and a Teams Adaptive Card, buttons per approver in a channel', () => {
    const channel = render(
      'approvalNeeded',
      { ...params, audience: 'Channel' },
      { publicUrl: 'https://pim.example', decisionLinks: [...links, { ...links[0]!, approverName: 'Carol' }] },
    );
    const slack = slackPayload(channel) as { text: string; blocks: { type: string; elements?: { text: { text: string }; url: string }[] }[] };
    expect(slack.text).toContain('Approval needed');
    const buttons = slack.blocks.find((b) => b.type === 'actions')!.elements!;
    expect(buttons.map((b) => b.text.text)).toEqual(['Approve as Bob', 'Deny as Bob', 'Approve as Carol', 'Deny as Carol', 'Open the request']);
    const teams = teamsPayload(channel) as {
      type: string;
      attachments: { contentType: string; content: { type: string; actions: { type: string; title: string; url: string }[] } }[];
    };
    expect(teams.type).toBe('message');
    expect(teams.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(teams.attachments[0]!.content.type).toBe('AdaptiveCard');
    expect(teams.attachments[0]!.content.actions[0]).toEqual({ type: 'Action.OpenUrl', title: 'Approve as Bob', url: links[0]!.approve, style: 'positive' });
  });
});

describe('outcomes and grants speak to the reader', () => {
  it.each([
    ['approved', { audience: 'Requestor', approverName: 'Bob' }, 'OpenPIM: Your request to activate User Administrator was approved'],
    ['denied', { audience: 'Requestor' }, 'OpenPIM: Your request to activate User Administrator was denied'],
    ['timedOut', { audience: 'Requestor' }, 'OpenPIM: Your request to activate User Administrator timed out'],
    ['activated', { audience: 'Admin' }, 'OpenPIM: Alice <script> activated User Administrator'],
    ['assigned', { audience: 'Requestor', kind: 'eligibility' }, 'OpenPIM: You are now eligible for User Administrator'],
    ['expiring', { audience: 'Requestor', kind: 'eligibility', within: '1d' }, 'OpenPIM: Your eligible assignment of User Administrator expires in 1 day'],
    ['expired', { audience: 'Requestor', kind: 'assignment', assignmentType: 'Assigned' }, 'OpenPIM: Your active assignment of User Administrator has expired'],
  ] as const)('%s', (type, extra, subject) => {
    expect(render(type, { ...params, ...extra } as never).subject).toBe(subject);
  });
});

describe('weeks and back-off', () => {
  it('weeks start on Monday 00:00 UTC and are named as ISO weeks', () => {
    expect(new Date(weekStart(Date.parse('2026-01-11T23:59:00Z'))).toISOString()).toBe('2026-01-05T00:00:00.000Z');
    expect(isoWeek(Date.parse('2026-01-05T00:00:00Z'))).toBe('2026-W02');
    expect(isoWeek(Date.parse('2026-01-01T12:00:00Z'))).toBe('2026-W01');
    expect(isoWeek(Date.parse('2027-01-01T12:00:00Z'))).toBe('2026-W53');
  });

  it('retries after 30 s, doubling up to an hour', () => {
    expect([1, 2, 3, 4, 7, 8, 20].map(backoff)).toEqual([30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000]);
  });
});
