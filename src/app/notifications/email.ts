/** Lays a Message out as an email: plain text and simple, inline-styled HTML. Pure. */
import type { Message } from '../ports/notifier.ts';
import { escapeHtml } from '../../domain/html.ts';

export function emailText(m: Message): string {
  const lines = [m.summary, ''];
  for (const [label, value] of m.facts) lines.push(`${label}: ${value}`);
  if (m.facts.length) lines.push('');
  for (const a of m.actions) lines.push(`${a.label}: ${a.url}`);
  if (m.note) lines.push('', m.note);
  lines.push('', '-- ', 'OpenPIM');
  return `${lines.join('\n')}\n`;
}

const COLOR = { primary: '#0b6e2e', danger: '#a4262c', link: '#0f5ea8' } as const;

export function emailHtml(m: Message): string {
  const facts = m.facts
    .map(
      ([label, value]) =>
        `<tr><th align="left" style="padding:2px 12px 2px 0;font-weight:600">${escapeHtml(label)}</th><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`,
    )
    .join('');
  const buttons = m.actions
    .map((a) => {
      const color = a.style ? COLOR[a.style] : COLOR.link;
      const look = a.style ? `background:${color};color:#fff;padding:8px 14px;border-radius:4px;text-decoration:none` : `color:${color}`;
      return `<a href="${escapeHtml(a.url)}" style="${look};margin-right:8px;display:inline-block">${escapeHtml(a.label)}</a>`;
    })
    .join(' ');
  return [
    '<!doctype html><html><body style="font-family:Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#222">',
    m.urgent
      ? `<h2 style="font-size:18px;margin:0 0 12px;padding:8px 12px;background:${COLOR.danger};color:#fff">${escapeHtml(m.subject)}</h2>`
      : `<h2 style="font-size:18px;margin:0 0 12px">${escapeHtml(m.subject)}</h2>`,
    `<p>${escapeHtml(m.summary)}</p>`,
    facts ? `<table style="border-collapse:collapse;margin:12px 0">${facts}</table>` : '',
    buttons ? `<p style="margin:16px 0">${buttons}</p>` : '',
    m.note ? `<p style="color:#555;font-size:12px">${escapeHtml(m.note)}</p>` : '',
    '<p style="color:#888;font-size:12px">OpenPIM</p>',
    '</body></html>',
  ].join('\n');
}
