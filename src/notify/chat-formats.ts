/**
 * A Message as chat webhooks expect it. Slack: `{text, blocks}`, also understood by Mattermost and
 * Rocket.Chat. Teams: an Adaptive Card in a `message` envelope, what a Teams Workflows webhook
 * ("Post to a channel when a webhook request is received") posts to its channel. Office 365
 * connector MessageCards are not sent: Microsoft retired those connectors. Pure.
 */
import type { Message } from '../app/ports/notifier.ts';

/** Slack mrkdwn needs &, < and > escaped. */
const mrkdwn = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack blocks: a header, the summary, the facts as fields, URL buttons, the note as context. */
export function slackPayload(m: Message): Record<string, unknown> {
  const blocks: Record<string, unknown>[] = [
    // An alert's header carries a siren: Slack blocks have no colour of their own.
    { type: 'header', text: { type: 'plain_text', text: `${m.urgent ? ':rotating_light: ' : ''}${m.subject}`.slice(0, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: mrkdwn(m.summary) } },
  ];
  if (m.facts.length) {
    // Slack allows ten fields per section.
    for (let i = 0; i < m.facts.length; i += 10) {
      blocks.push({
        type: 'section',
        fields: m.facts.slice(i, i + 10).map(([label, value]) => ({ type: 'mrkdwn', text: `*${mrkdwn(label)}*\n${mrkdwn(value)}` })),
      });
    }
  }
  if (m.actions.length) {
    blocks.push({
      type: 'actions',
      elements: m.actions.slice(0, 25).map((a, i) => ({
        type: 'button',
        action_id: `openpim-${i}`,
        text: { type: 'plain_text', text: a.label.slice(0, 75) },
        url: a.url,
        ...(a.style ? { style: a.style } : {}),
      })),
    });
  }
  if (m.note) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(m.note) }] });
  return { text: `${m.subject}\n${m.summary}`, blocks };
}

/**
 * Workflows posts with the flow bot, which shows Adaptive Cards up to 1.4: a 1.5 card arrives as
 * "We're sorry, this card couldn't be displayed".
 */
const TEAMS_CARD_VERSION = '1.4';

/** Teams shows at most six buttons in a card's action row (maxActions of its host config). */
const TEAMS_MAX_ACTIONS = 6;

const ACTION_STYLE = { primary: 'positive', danger: 'destructive' } as const;

/** The Adaptive Card of a message: title, summary, facts, note, and a link button per action. */
export function teamsCard(m: Message): Record<string, unknown> {
  const body: Record<string, unknown>[] = [
    // An alert's title is red ("attention"): the card has no other colour of its own.
    { type: 'TextBlock', text: m.subject, size: 'Large', weight: 'Bolder', wrap: true, ...(m.urgent ? { color: 'Attention' } : {}) },
    { type: 'TextBlock', text: m.summary, wrap: true },
  ];
  if (m.facts.length) body.push({ type: 'FactSet', facts: m.facts.map(([title, value]) => ({ title, value })) });
  const buttons = m.actions.map((a) => ({ type: 'Action.OpenUrl', title: a.label, url: a.url, ...(a.style ? { style: ACTION_STYLE[a.style] } : {}) }));
  const inRow = buttons.length <= TEAMS_MAX_ACTIONS;
  // Past six, Teams would hide buttons: a channel's approval card carries an Approve and a Deny per
  // approver, so each pair gets a row of its own in the body instead.
  if (!inRow) for (let i = 0; i < buttons.length; i += 2) body.push({ type: 'ActionSet', actions: buttons.slice(i, i + 2) });
  if (m.note) body.push({ type: 'TextBlock', text: m.note, wrap: true, isSubtle: true, size: 'Small' });
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: TEAMS_CARD_VERSION,
    body,
    ...(inRow && buttons.length ? { actions: buttons } : {}),
  };
}

/** What a Teams Workflows webhook takes: a message with the card as its one attachment. */
export function teamsPayload(m: Message): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: teamsCard(m) }],
  };
}
