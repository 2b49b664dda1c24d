/**
 * Checks an Adaptive Card with Microsoft's own object model (the `adaptivecards` package, the
 * parser behind its renderers), as a host of a given card version and button limit would read it:
 * every parse warning and validation failure, and the card as the model writes it back — a
 * property the model does not know, or a value it refuses, is missing from that copy.
 */
import { createRequire } from 'node:module';
import type * as AdaptiveCards from 'adaptivecards';

// The package's ES build imports its own files without extensions, which Node refuses; the UMD bundle loads as it is.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

const VERSIONS: Readonly<Record<string, AdaptiveCards.Version>> = {
  '1.0': AC.Versions.v1_0,
  '1.1': AC.Versions.v1_1,
  '1.2': AC.Versions.v1_2,
  '1.3': AC.Versions.v1_3,
  '1.4': AC.Versions.v1_4,
  '1.5': AC.Versions.v1_5,
  '1.6': AC.Versions.v1_6,
};

export interface CardCheck {
  /** `phase event: message` per warning or failure, e.g. `Parse UnsupportedProperty: Property "style" is supported in version 1.5…`. */
  readonly problems: string[];
  /** The card as the model serialises it again. */
  readonly written: unknown;
}

export function checkAdaptiveCard(card: unknown, host: { readonly version: string; readonly maxActions: number }): CardCheck {
  const version = VERSIONS[host.version];
  if (!version) throw new Error(`no Adaptive Card version ${host.version}`);
  const parsed = new AC.AdaptiveCard();
  parsed.hostConfig = new AC.HostConfig({ supportsInteractivity: true, actions: { maxActions: host.maxActions } });
  const context = new AC.SerializationContext(version);
  parsed.parse(card, context);
  const events: AdaptiveCards.IValidationEvent[] = [];
  for (let i = 0; i < context.eventCount; i++) events.push(context.getEventAt(i));
  events.push(...parsed.validateProperties().validationEvents);
  return {
    problems: events.map((e) => `${AC.ValidationPhase[e.phase]} ${AC.ValidationEvent[e.event]}: ${e.message}`),
    written: parsed.toJSON(new AC.SerializationContext(version)),
  };
}
