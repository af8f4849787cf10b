import type { NewPriceOverride } from '../../api/types.ts';
import { dateTime } from '../../format.ts';

// Prices and instants of the settings page as text, and the price form as an API body.

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : dateTime(ms);
}

// The price form as typed: every field a string.
export interface PriceDraft {
  model: string;
  provider: string;
  input: string;
  output: string;
  cacheRead: string;
  cacheWrite: string;
  reasoning: string;
  audio: string;
  effectiveFrom: string;
  effectiveTo: string;
}

export const EMPTY_DRAFT: PriceDraft = { model: '', provider: '', input: '', output: '', cacheRead: '', cacheWrite: '', reasoning: '', audio: '', effectiveFrom: '', effectiveTo: '' };

// Empty optional fields are left out so the server applies its defaults; the number fields are
// sent as typed (a negative price included) so the API names what is wrong.
export function draftBody(d: PriceDraft): NewPriceOverride {
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const body: Record<string, unknown> = {
    model: d.model.trim(),
    inputPerMtokUsd: num(d.input),
    outputPerMtokUsd: num(d.output),
    cacheReadPerMtokUsd: num(d.cacheRead),
    cacheWritePerMtokUsd: num(d.cacheWrite),
    reasoningPerMtokUsd: num(d.reasoning),
    audioPerMtokUsd: num(d.audio),
  };
  if (d.provider.trim()) body.provider = d.provider.trim();
  // The form's fields are UTC (datetime-local has no zone): say so, as the API asks.
  if (d.effectiveFrom) body.effectiveFrom = `${d.effectiveFrom}Z`;
  if (d.effectiveTo) body.effectiveTo = `${d.effectiveTo}Z`;
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  // A blank price is left out and a mistyped one is NaN: the server names either.
  return body as unknown as NewPriceOverride;
}

