import { formatDuration } from '../../domain/time.ts';
import type { Rule } from './schema.ts';

// A rule as the API answers it: durations as the text it accepts ("window": "1h30m"), so that a
// rule read with GET can be sent back with PUT unchanged. The engine holds them in milliseconds.

type DurationField = 'window' | 'lookback' | 'for' | 'cooldown';

export type WireRule = Omit<Rule, DurationField | 'baseline'> & {
  window?: string;
  lookback?: string;
  for: string;
  cooldown: string;
  baseline?: Omit<NonNullable<Rule['baseline']>, 'lookback'> & { lookback?: string };
};

function baselineToWire(baseline: NonNullable<Rule['baseline']>): NonNullable<WireRule['baseline']> {
  const { lookback, ...rest } = baseline;
  return lookback === undefined ? rest : { ...rest, lookback: formatDuration(lookback) };
}

export function ruleToWire(rule: Rule): WireRule {
  const { window, lookback, for: pending, cooldown, baseline, ...rest } = rule;
  return {
    ...rest,
    ...(window === undefined ? {} : { window: formatDuration(window) }),
    ...(lookback === undefined ? {} : { lookback: formatDuration(lookback) }),
    for: formatDuration(pending),
    cooldown: formatDuration(cooldown),
    ...(baseline === undefined ? {} : { baseline: baselineToWire(baseline) }),
  };
}

// Anything carrying a rule (a rule listing's entries), with the rule as the API writes it.
export function withWireRule<T extends { rule: Rule }>(view: T): Omit<T, 'rule'> & { rule: WireRule } {
  return { ...view, rule: ruleToWire(view.rule) };
}
