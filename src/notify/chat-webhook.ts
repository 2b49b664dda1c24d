/** Posts chat messages to incoming webhooks with fetch, bounded by a timeout. */
import type { ChatSender } from '../app/ports/notifier.ts';
import { PermanentDeliveryError } from '../app/ports/notifier.ts';
import { slackPayload, teamsPayload } from './chat-formats.ts';

/** The host of a webhook URL, for errors: the path of a webhook URL is its secret. */
const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
};

/** A ChatSender posting Slack- or Teams-shaped JSON, as each target's format says. */
export function chatWebhooks(options: { readonly timeoutMs?: number } = {}): ChatSender {
  const timeout = options.timeoutMs ?? 10_000;
  return {
    async post(target, message) {
      const body = JSON.stringify(target.format === 'teams' ? teamsPayload(message) : slackPayload(message));
      let response: Response;
      try {
        response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeout) });
      } catch (error) {
        throw new Error(`webhook at ${hostOf(target.url)}: ${(error as Error).message}`, { cause: error });
      }
      await response.body?.cancel().catch(() => {});
      if (response.ok) return;
      const text = `webhook at ${hostOf(target.url)} answered ${response.status}`;
      // Other 4xx answers (gone, unauthorised, malformed) will not change by retrying.
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) throw new PermanentDeliveryError(text);
      throw new Error(text);
    },
  };
}
