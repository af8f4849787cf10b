import { PII_TYPES, REDACTION_MODES } from '../../lib/pii.ts';
import type { GatewayInjectionPolicy, PiiType, PrivacySettings, PrivacySettingsInput, RedactionMode } from '../../api/types.ts';

// The privacy form as typed, and as the body of PUT /api/v1/privacy and the test box.

export { PII_TYPES, REDACTION_MODES };

export interface PatternDraft {
  name: string;
  pattern: string;
}

export interface PrivacyDraft {
  modes: Record<PiiType, RedactionMode>;
  custom: PatternDraft[];
  gatewayInjection: GatewayInjectionPolicy;
}

// Every type gets a mode: one the server does not name (an older server) shows as mask, what the
// redactor does by default.
export function draftOf(settings: PrivacySettings): PrivacyDraft {
  const modes = Object.fromEntries(PII_TYPES.map((t) => [t, settings.modes[t] ?? 'mask'])) as Record<PiiType, RedactionMode>;
  return { modes, custom: settings.custom.map((p) => ({ name: p.name, pattern: p.pattern })), gatewayInjection: settings.gatewayInjection };
}

// A pattern row left blank is not sent; a half-filled one is, so the server names what is missing.
// Names are trimmed (a stray space is never meant), patterns sent as typed (a space may be meant).
export function draftBody(d: PrivacyDraft): Required<PrivacySettingsInput> {
  return {
    modes: { ...d.modes },
    custom: d.custom.filter((p) => p.name.trim() !== '' || p.pattern !== '').map((p) => ({ name: p.name.trim(), pattern: p.pattern })),
    gatewayInjection: d.gatewayInjection,
  };
}

export function sameDraft(a: PrivacyDraft, b: PrivacyDraft): boolean {
  return JSON.stringify(draftBody(a)) === JSON.stringify(draftBody(b));
}

// Which pattern row a server message is about: `custom[2]: …` or `settings.custom[2].name: …`
// name the index of the rows sent, blank rows left out; `… the pattern name 'x' is used twice`
// names the pattern (the later row is the one to change). Null when the message is about no row.
export function patternRowOf(message: string, rows: readonly PatternDraft[]): number | null {
  const sent = rows.map((p, i) => ({ p, i })).filter(({ p }) => p.name.trim() !== '' || p.pattern !== '');
  const indexed = /custom\[(\d+)\]/.exec(message);
  if (indexed) return sent[Number(indexed[1])]?.i ?? null;
  const named = /custom\b.*'([a-z0-9_]+)'/.exec(message);
  if (named) {
    const matching = sent.filter(({ p }) => p.name.trim() === named[1]);
    return matching.length > 0 ? matching[matching.length - 1]!.i : null;
  }
  return null;
}
