/**
 * Chat webhooks against a local HTTP receiver: Slack-compatible blocks and a Teams Adaptive Card
 * (as a Workflows webhook takes it), each webhook getting the events it subscribes to; the
 * approve/deny buttons open the portal's one-click page with signed links that work for their own
 * approver only; a failing receiver is retried, a refusing one given up on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ROLE } from '../../src/domain/roles/catalogue.ts';
import { chatWebhooks } from '../../src/notify/chat-webhook.ts';
import { MEMORY_SQLITE } from '../support/http-harness.ts';
import { openHarness, type Harness } from '../support/harness.ts';
import { adminAssign, approver, selfActivate, setApproval, stored } from '../support/scenario.ts';
import { checkAdaptiveCard } from './support/adaptive-card.ts';
import { openLinkApp, outcome } from './support/link-app.ts';
import { notifyHarness } from './support/notify-harness.ts';
import { startReceiver, type Receiver } from './support/receiver.ts';

interface SlackButton {
  text: { text: string };
  url: string;
  style?: string;
}
interface SlackBody {
  text: string;
  blocks: { type: string; elements?: SlackButton[]; fields?: { text: string }[] }[];
}
interface TeamsCard {
  type: string;
  version: string;
  body: { type: string; facts?: { title: string; value: string }[]; actions?: { type: string; title: string; url: string }[] }[];
  actions?: { type: string; title: string; url: string }[];
}
interface TeamsBody {
  type: string;
  attachments: { contentType: string; content: TeamsCard }[];
}

describe('chat webhooks', () => {
  let h: Harness;
  let receiver: Receiver;
  afterEach(async () => {
    await receiver?.close();
    await h?.close();
  });

  async function setup() {
    h = await openHarness(MEMORY_SQLITE);
    receiver = await startReceiver();
    const [alice, bob, carol] = [
      await h.user('alice@contoso.test', 'Alice'),
      await h.user('bob@contoso.test', 'Bob'),
      await h.user('carol@contoso.test', 'Carol'),
    ];
    await adminAssign(h, 'eligibility', alice, ROLE.userAdministrator);
    await setApproval(h, ROLE.userAdministrator, [{ approvers: [approver.user(bob), approver.user(carol)] }]);
    const n = notifyHarness(h, {
      mailer: null,
      chat: chatWebhooks({ timeoutMs: 300 }),
      webhooks: [
        { name: 'it-ops', url: `${receiver.url}/slack/T000/B000/secret`, format: 'slack' },
        { name: 'approvals', url: `${receiver.url}/teams/webhookb2/secret`, format: 'teams', events: ['approvalNeeded', 'denied'] },
      ],
    });
    return { alice, bob, carol, n };
  }

  it('posts Slack blocks and a Teams card; their buttons open the portal, approve ones work once, for their own signed-in approver', async () => {
    const { alice, bob, carol, n } = await setup();
    await n.run();
    expect(receiver.received.map((r) => r.path)).toEqual(['/slack/T000/B000/secret']); // "assigned": the Teams webhook does not take it
    receiver.received.length = 0;

    const request = await selfActivate(h, alice, ROLE.userAdministrator);
    await n.run();
    const [slack, teams] = receiver.received;
    expect(slack!.contentType).toBe('application/json');
    const s = slack!.body as unknown as SlackBody;
    expect(s.text).toContain('Approval needed: Alice requests to activate User Administrator');
    expect(s.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions', 'context']);
    const buttons = s.blocks.find((b) => b.type === 'actions')!.elements!;
    expect(buttons.map((b) => [b.text.text, b.style])).toEqual([
      ['Approve as Bob', 'primary'],
      ['Deny as Bob', 'danger'],
      ['Approve as Carol', 'primary'],
      ['Deny as Carol', 'danger'],
      ['Open the request', undefined],
    ]);
    const portalPage = /^https:\/\/pim\.contoso\.test\/(approve\?token=[\w.-]+|approvals\/[\w-]+)$/;
    // Each delivery signs its own links (a link works once), so Slack's and Teams' tokens differ.
    const unsigned = (url: string) => url.replace(/token=[\w.-]+/, 'token=…');
    for (const b of buttons) expect(b.url).toMatch(portalPage);
    const t = teams!.body as unknown as TeamsBody;
    expect(t.type).toBe('message');
    expect(t.attachments.map((a) => a.contentType)).toEqual(['application/vnd.microsoft.card.adaptive']);
    const card = t.attachments[0]!.content;
    expect(checkAdaptiveCard(card, { version: '1.4', maxActions: 6 })).toEqual({ problems: [], written: card });
    expect(card.body.find((e) => e.type === 'FactSet')!.facts).toEqual(expect.arrayContaining([{ title: 'Justification', value: 'Needed for work' }]));
    const teamsButtons = [...card.body.flatMap((e) => e.actions ?? []), ...(card.actions ?? [])];
    for (const a of teamsButtons) expect(a.url).toMatch(portalPage);
    expect(teamsButtons.map((a) => [a.type, a.title, unsigned(a.url)])).toEqual(buttons.map((b) => ['Action.OpenUrl', b.text.text, unsigned(b.url)]));

    const api = await openLinkApp(h);
    try {
      const carolApproves = new URL(buttons[2]!.url);
      expect(carolApproves.pathname).toBe('/approve');
      const token = carolApproves.searchParams.get('token')!;
      expect(outcome(await api.act(bob, 'POST', token))).toEqual({ status: 403, code: 'Authorization_RequestDenied' });
      expect(outcome(await api.act(null, 'POST', token))).toEqual({ status: 401, code: 'InvalidAuthenticationToken' });
      expect((await api.act(carol, 'POST', token)).statusCode).toBe(200);
      expect((await stored(h, request)).status).toBe('Provisioned');
      expect(outcome(await api.act(carol, 'POST', token))).toEqual({ status: 409, code: 'ApprovalLinkUsed' });
    } finally {
      await api.close();
    }
    receiver.received.length = 0;
    await n.run();
    expect(receiver.received.map((r) => [r.path, (r.body as { text?: string }).text?.split('\n')[0]])).toEqual([
      ['/slack/T000/B000/secret', 'OpenPIM: Alice activated User Administrator'],
      ['/slack/T000/B000/secret', "OpenPIM: Alice's request to activate User Administrator was approved"],
    ]);
  });

  it('retries a webhook that fails or hangs, gives up on one that refuses, and never records its URL', async () => {
    const { alice, n } = await setup();
    receiver.answer['/slack/T000/B000/secret'] = 503;
    receiver.answer['/teams/webhookb2/secret'] = 404;
    await selfActivate(h, alice, ROLE.userAdministrator);
    await n.run();
    const all = await n.deliveries();
    expect(all.map((d) => [d.recipient, d.status])).toEqual([
      ['it-ops', 'pending'],
      ['it-ops', 'pending'],
      ['approvals', 'failed'],
    ]);
    expect(all.find((d) => d.status === 'failed')!.lastError).toBe(`webhook at ${new URL(receiver.url).host} answered 404`);
    expect(JSON.stringify(all)).not.toContain('secret');

    receiver.answer['/slack/T000/B000/secret'] = 'hang';
    h.clock.advance('PT30S');
    await n.run();
    expect((await n.deliveries('pending'))[0]!.lastError).toMatch(/aborted|timeout/i);

    receiver.answer['/slack/T000/B000/secret'] = 200;
    h.clock.advance('PT1M');
    await n.run();
    expect((await n.deliveries('sent')).map((d) => d.recipient)).toEqual(['it-ops', 'it-ops']);
  });
});
