/** The break-glass alert as people read it: email text and HTML, Slack blocks, a Teams card. Pure. */
import { describe, expect, it } from 'vitest';
import { emailHtml, emailText } from '../../src/app/notifications/email.ts';
import { render } from '../../src/app/notifications/templates.ts';
import { slackPayload, teamsPayload } from '../../src/notify/chat-formats.ts';

const AT = Date.parse('2026-01-05T09:00:00Z');
const breakGlass = { account: 'admin@contoso.test', at: AT, how: 'password sign-in', method: 'POST', path: '/openpim/auth/sign-in', sourceIp: '198.51.100.7' };
const params = { audience: 'Admin' as const, recipientName: 'Priya', principalName: 'Bootstrap <Administrator>', breakGlass };

describe('a break-glass account was used', () => {
  const message = render('breakGlassUsed', params, { publicUrl: 'https://pim.example/' });

  it('says which account, when, how, from where, and what to do', () => {
    expect(message.subject).toBe('OpenPIM: Alert: break-glass account admin@contoso.test was used');
    expect(message.summary).toBe(
      'The break-glass account Bootstrap <Administrator> (admin@contoso.test) was used at 2026-01-05 09:00 UTC by password sign-in from 198.51.100.7. ' +
        'If you did not expect this, act now: sign in to OpenPIM, check the audit log for what the account did, and secure it (reset its password, revoke its sessions).',
    );
    expect(message.facts).toEqual([
      ['Account', 'admin@contoso.test'],
      ['Name', 'Bootstrap <Administrator>'],
      ['When', '2026-01-05 09:00 UTC'],
      ['How', 'password sign-in'],
      ['Source address', '198.51.100.7'],
      ['Request', 'POST /openpim/auth/sign-in'],
    ]);
    expect(message.actions).toEqual([{ label: 'Open the audit log', url: 'https://pim.example/audit', style: 'danger' }]);
    expect(message.urgent).toBe(true);
  });

  it('an unknown address is said so, not left out', () => {
    const m = render('breakGlassUsed', { ...params, breakGlass: { ...breakGlass, sourceIp: null, method: null, path: null } });
    expect(m.summary).toContain('by password sign-in from an unknown address.');
    expect(m.facts).toContainEqual(['Source address', 'unknown']);
    expect(m.facts.map(([label]) => label)).not.toContain('Request');
  });

  it('as email: the facts and the link in text, a red banner in escaped HTML', () => {
    const text = emailText(message);
    expect(text).toContain('Source address: 198.51.100.7');
    expect(text).toContain('Open the audit log: https://pim.example/audit');
    const html = emailHtml(message);
    expect(html).toContain('background:#a4262c;color:#fff">OpenPIM: Alert: break-glass account admin@contoso.test was used</h2>');
    expect(html).toContain('Bootstrap &lt;Administrator&gt;');
    expect(html).not.toContain('<Administrator>');
    // Routine messages keep the plain heading.
    expect(emailHtml(render('activated', { audience: 'Admin', principalName: 'Alice', roleName: 'User Administrator' }))).not.toContain(
      'background:#a4262c;color:#fff">',
    );
  });

  it('as a Slack message with a siren and a Teams card with a red title', () => {
    const slack = slackPayload(message) as { text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(slack.blocks[0]!.text!.text).toBe(':rotating_light: OpenPIM: Alert: break-glass account admin@contoso.test was used');
    expect(slack.text).toContain('from 198.51.100.7');
    type Card = { body: { type: string; color?: string; facts?: { title: string; value: string }[] }[] };
    const cardOf = (m: typeof message) => (teamsPayload(m) as { attachments: { content: Card }[] }).attachments[0]!.content;
    const teams = cardOf(message);
    expect(teams.body[0]!.color).toBe('Attention');
    expect(teams.body.find((e) => e.type === 'FactSet')!.facts).toContainEqual({ title: 'Source address', value: '198.51.100.7' });
    expect(cardOf(render('activated', { audience: 'Channel' })).body[0]!.color).toBeUndefined();
  });
});
