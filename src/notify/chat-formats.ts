/**
 * A Message as chat webhooks expect it: Slack's `{text, blocks}` (also understood by Mattermost
 * and Rocket.Chat) and Teams' MessageCard (Office 365 connectors and Workflows webhooks).
 */
import type { Message } from '../app/ports/notifier.ts';

/** Slack mrkdwn needs &, < and > escaped. */
const mrkdwn = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function slackPayload(m: Message): Record<string, unknown> {
  const blocks: Record<string, unknown>[] = [
    // An alert's header carries a siren: Slack blocks have no colour of their own.
    { type: 'header', text: { type: 'plain_text', text: `${m.urgent ? ':rotating_light: ' : ''}${m.subject}`.slice(0, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: mrkdwn(m.summary) } },
  ];
  if (m.facts.length) {
    // Slack allows ten fields per section.
    for (let i = 0; i < m.facts.length; i += 10) {
      blocks.push({ type: 'section', fields: m.facts.slice(i, i + 10).map(([label, value]) => ({ type: 'mrkdwn', text: `*${mrkdwn(label)}*\n${mrkdwn(value)}` })) });
    }
  }
  if (m.actions.length) {
    blocks.push({
      type: 'actions',
      elements: m.actions.slice(0, 25).map((a, i) => ({
        type: 'button', action_id: `openpim-${i}`, text: { type: 'plain_text', text: a.label.slice(0, 75) }, url: a.url,
        ...(a.style ? { style: a.style } : {}),
      })),
    });
  }
  if (m.note) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwn(m.note) }] });
  return { text: `${m.subject}\n${m.summary}`, blocks };
}

export function teamsPayload(m: Message): Record<string, unknown> {
  return {
    '@type': 'MessageCard',
    '@context': 'https://schema.org/extensions',
    summary: m.subject,
    themeColor: m.urgent ? 'A4262C' : '0F5EA8',
    title: m.subject,
    text: m.summary,
    sections: [{ facts: m.facts.map(([name, value]) => ({ name, value })), ...(m.note ? { text: m.note } : {}) }],
    potentialAction: m.actions.map((a) => ({ '@type': 'OpenUri', name: a.label, targets: [{ os: 'default', uri: a.url }] })),
  };
}
