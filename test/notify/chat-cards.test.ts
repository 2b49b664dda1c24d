/**
 * The chat payloads as the chat services read them. Teams: the Adaptive Card that a Workflows
 * webhook posts, checked with Microsoft's own card model (the `adaptivecards` package) as Teams
 * reads it — card version 1.4, six buttons to a row. Slack: buttons within Slack's limits. Both: every
 * button opens a page of the portal, the approve and deny buttons its one-click page. Pure.
 */
import { describe, expect, it } from 'vitest';
import type { NotificationParams, NotificationType } from '../../src/app/notifications/events.ts';
import { render, type DecisionLinks } from '../../src/app/notifications/templates.ts';
import type { Message } from '../../src/app/ports/notifier.ts';
import { slackPayload, teamsPayload } from '../../src/notify/chat-formats.ts';
import { checkAdaptiveCard } from './support/adaptive-card.ts';

const PORTAL = 'https://pim.example';
const TEAMS = { version: '1.4', maxActions: 6 };
const AT = Date.parse('2026-01-05T09:00:00Z');

/** The portal's pages that notifications link to (web/src/app/router.tsx). */
const PORTAL_PAGE = /^\/(?:|assignments|audit|approve|approvals\/[^/]+|requests\/[^/]+)$/;

const linksFor = (...names: string[]): DecisionLinks[] =>
  names.map((n) => ({
    approverName: n,
    approve: `${PORTAL}/approve?token=approve.${n}`,
    deny: `${PORTAL}/approve?token=deny.${n}`,
  }));

const request: NotificationParams = {
  audience: 'Channel',
  principalName: 'Alice',
  roleName: 'User Administrator',
  scopeName: 'Contoso (/)',
  action: 'selfActivate',
  kind: 'assignment',
  requestId: 'r1',
  approvalId: 'r1',
  stepId: '1',
  stages: 1,
  justification: 'Reset **locked** accounts & more',
  expiresAt: AT + 86_400_000,
};

/** Every kind of notification, and approval cards for one approver and for the most a chat message names (five). */
const messages: [string, Message][] = [
  [
    'approval, one approver',
    render('approvalNeeded', { ...request, audience: 'Approver' }, { publicUrl: `${PORTAL}/`, decisionLinks: linksFor('Bob'), linksExpireAt: AT }),
  ],
  [
    'approval, five approvers',
    render('approvalNeeded', request, { publicUrl: PORTAL, decisionLinks: linksFor('Bob', 'Carol', 'Dan', 'Erin', 'Frank'), linksExpireAt: AT }),
  ],
  ...(['approved', 'denied', 'timedOut', 'failed', 'activated', 'assigned', 'expiring', 'expired', 'extended'] as NotificationType[]).map(
    (type): [string, Message] => [type, render(type, { ...request, approverName: 'Bob', endAt: AT }, { publicUrl: PORTAL })],
  ),
  [
    'breakGlassUsed',
    render(
      'breakGlassUsed',
      { audience: 'Channel', breakGlass: { account: 'bg@contoso.test', at: AT, how: 'password sign-in', method: null, path: null, sourceIp: null } },
      { publicUrl: PORTAL },
    ),
  ],
  [
    'digest',
    render(
      'digest',
      {
        audience: 'Channel',
        digest: {
          week: '2026-W02',
          from: AT,
          to: AT + 7 * 86_400_000,
          activations: 3,
          topRoles: [],
          newPermanentActive: 0,
          newPermanentEligible: 0,
          outsidePim: 0,
        },
      },
      { publicUrl: PORTAL },
    ),
  ],
];

interface CardAction {
  type: string;
  title: string;
  url: string;
  style?: string;
}
interface CardElement {
  type: string;
  text?: string;
  color?: string;
  facts?: { title: string; value: string }[];
  actions?: CardAction[];
}
interface Card {
  $schema: string;
  type: string;
  version: string;
  body: CardElement[];
  actions?: CardAction[];
}
interface TeamsBody {
  type: string;
  attachments: { contentType: string; contentUrl: null; content: Card }[];
}

const teamsCardOf = (m: Message) => {
  const payload = teamsPayload(m) as unknown as TeamsBody;
  expect(payload.type).toBe('message');
  expect(payload.attachments).toHaveLength(1);
  expect(payload.attachments[0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null });
  return payload.attachments[0]!.content;
};
/** The card's buttons in reading order: rows in the body, then the card's own row. */
const buttonsOf = (card: Card) => [...card.body.flatMap((e) => (e.type === 'ActionSet' ? e.actions! : [])), ...(card.actions ?? [])];

describe('the Teams card', () => {
  it.each(messages)("%s: an Adaptive Card 1.4 that Microsoft's model reads without a warning, every property known", (_, m) => {
    const card = teamsCardOf(m);
    expect(card).toMatchObject({ $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4' });
    const check = checkAdaptiveCard(card, TEAMS);
    expect(check.problems).toEqual([]);
    expect(check.written).toEqual(card);
  });

  it('the checker does report what Teams would not show', () => {
    const card = teamsCardOf(messages[0]![1]);
    const bad = {
      ...card,
      body: [...card.body, { type: 'TextBlock', text: 'x', style: 'heading', colour: 'Attention' }],
      actions: Array(7).fill(card.actions![0]),
    };
    const check = checkAdaptiveCard(bad, TEAMS);
    expect(check.problems).toEqual([
      'Parse UnsupportedProperty: Property "style" is supported in version 1.5, but you are using version 1.4.',
      'Validation TooManyActions: Maximum number of actions exceeded (6).',
    ]);
    expect(check.written).not.toEqual(bad); // "colour" is not a property of the model: dropped
  });

  it('says the subject, summary, every fact and the note; the facts are a FactSet', () => {
    const [, m] = messages[0]!;
    const card = teamsCardOf(m);
    expect(card.body.map((e) => e.type)).toEqual(['TextBlock', 'TextBlock', 'FactSet', 'TextBlock']);
    expect(card.body[0]).toMatchObject({ text: m.subject, weight: 'Bolder' });
    expect(card.body[1]!.text).toBe(m.summary);
    expect(card.body[2]!.facts).toEqual(m.facts.map(([title, value]) => ({ title, value })));
    expect(card.body[3]!.text).toBe(m.note);
  });

  it('marks an alert: its title in the attention colour, routine titles in the default one', () => {
    for (const [name, m] of messages) expect(teamsCardOf(m).body[0]!.color, name).toBe(m.urgent ? 'Attention' : undefined);
    expect(messages.filter(([, m]) => m.urgent).map(([name]) => name)).toEqual(['breakGlassUsed']);
  });

  it.each(messages)('%s: every action is a button opening its portal page, none left out', (_, m) => {
    const buttons = buttonsOf(teamsCardOf(m));
    expect(buttons.map((b) => [b.type, b.title, b.url])).toEqual(m.actions.map((a) => ['Action.OpenUrl', a.label, a.url]));
    for (const b of buttons) {
      const url = new URL(b.url);
      expect(url.origin).toBe(PORTAL);
      expect(url.pathname).toMatch(PORTAL_PAGE);
    }
  });

  it('approve and deny open the one-click page with their token, styled positive and destructive', () => {
    const buttons = buttonsOf(teamsCardOf(messages[0]![1]));
    expect(buttons).toEqual([
      { type: 'Action.OpenUrl', title: 'Approve', url: `${PORTAL}/approve?token=approve.Bob`, style: 'positive' },
      { type: 'Action.OpenUrl', title: 'Deny', url: `${PORTAL}/approve?token=deny.Bob`, style: 'destructive' },
      { type: 'Action.OpenUrl', title: 'Open the request', url: `${PORTAL}/approvals/r1` },
    ]);
  });

  it("past six buttons, each approver's pair gets a row of its own, so Teams hides none", () => {
    const card = teamsCardOf(messages[1]![1]);
    expect(card.actions).toBeUndefined();
    const rows = card.body.filter((e) => e.type === 'ActionSet').map((e) => e.actions!.map((a) => a.title));
    expect(rows).toEqual([
      ['Approve as Bob', 'Deny as Bob'],
      ['Approve as Carol', 'Deny as Carol'],
      ['Approve as Dan', 'Deny as Dan'],
      ['Approve as Erin', 'Deny as Erin'],
      ['Approve as Frank', 'Deny as Frank'],
      ['Open the request'],
    ]);
    expect(card.body.at(-1)!.text).toBe(messages[1]![1].note); // the note closes the card
  });
});

describe('the Slack message', () => {
  interface Button {
    type: string;
    text: { type: string; text: string };
    url: string;
    style?: string;
  }
  const buttonsOf = (m: Message) =>
    (slackPayload(m) as { blocks: { type: string; elements?: Button[] }[] }).blocks.find((b) => b.type === 'actions')?.elements ?? [];

  it("an approval carries URL buttons into the portal's one-click page, and one to the request", () => {
    const buttons = buttonsOf(messages[1]![1]);
    expect(buttons).toHaveLength(11);
    for (const [i, name] of ['Bob', 'Carol', 'Dan', 'Erin', 'Frank'].entries()) {
      expect(buttons[2 * i]).toMatchObject({
        type: 'button',
        text: { type: 'plain_text', text: `Approve as ${name}` },
        url: `${PORTAL}/approve?token=approve.${name}`,
        style: 'primary',
      });
      expect(buttons[2 * i + 1]).toMatchObject({
        type: 'button',
        text: { type: 'plain_text', text: `Deny as ${name}` },
        url: `${PORTAL}/approve?token=deny.${name}`,
        style: 'danger',
      });
    }
    expect(buttons[10]).toMatchObject({ text: { text: 'Open the request' }, url: `${PORTAL}/approvals/r1` });
    expect(buttons[10]!.style).toBeUndefined();
  });

  it.each(messages)('%s: every button opens its portal page', (_, m) => {
    const buttons = buttonsOf(m);
    expect(buttons.map((b) => b.url)).toEqual(m.actions.map((a) => a.url));
    for (const b of buttons) expect(new URL(b.url).pathname).toMatch(PORTAL_PAGE);
  });

  it("button texts stay within Slack's 75 characters; the URL stays whole", () => {
    const long = 'Maximiliane Alexandrina von Hohenzollern-Sigmaringen-Wittelsbach';
    const buttons = buttonsOf(render('approvalNeeded', request, { publicUrl: PORTAL, decisionLinks: linksFor(long, 'Bob') }));
    expect(buttons[0]!.text.text).toBe(`Approve as ${long}`.slice(0, 75));
    expect(buttons.every((b) => b.text.text.length <= 75)).toBe(true);
    expect(buttons[0]!.url).toBe(`${PORTAL}/approve?token=approve.${long}`);
  });
});
