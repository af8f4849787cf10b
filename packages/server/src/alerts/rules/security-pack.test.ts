import { describe, expect, it } from 'vitest';
import { SECURITY_METADATA } from '../../domain/security.ts';
import { MINUTE_MS } from '../../domain/time.ts';
import { Rollups } from '../../rollups/rollups.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { evaluateRule } from '../engine/evaluate.ts';
import { loadDefaultPack } from './default-pack.ts';

// The default pack's security rules over what feeds them: marked spans and refused requests.

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const RULES = ['PIIDetectionSpike', 'PromptInjectionAttempts', 'AuthFailureSpike', 'RateLimitedRequests'];

// `n` of each signal, spread over the 5 minutes before NOW.
function fed(n: number): Rollups {
  const r = new Rollups({ now: () => NOW });
  const at = (i: number) => NOW - 5 * MINUTE_MS + Math.floor((i * 5 * MINUTE_MS) / n);
  r.onAccepted(
    Array.from({ length: n }, (_, i) =>
      makeSpan({ kind: 'chain', startUs: at(i) * 1000, endUs: at(i) * 1000 + 1000, metadata: { [SECURITY_METADATA.redaction]: 'email=1', [SECURITY_METADATA.injection]: 'prompt_injection:high' } }),
    ),
    [],
  );
  for (let i = 0; i < n; i++) {
    r.countEvent('default', 'auth_failures', at(i));
    for (let k = 0; k < 10; k++) r.countEvent('default', 'rate_limited', at(i));
  }
  return r;
}

async function activeRules(rollups: Rollups): Promise<string[]> {
  const { rules } = await loadDefaultPack();
  const active: string[] = [];
  for (const name of RULES) {
    const rule = rules.find((x) => x.name === name)!;
    const outcome = await evaluateRule(rule, 'default', NOW, { rollups });
    if (outcome.groups.some((g) => g.active)) active.push(name);
  }
  return active;
}

describe('the default pack: security rules', () => {
  it('fire above their thresholds', async () => {
    // 60 in 5 minutes = 0.2/s: above 0.1/s and 0.05/s; 600 refusals = 2/s, above 1/s.
    expect(await activeRules(fed(60))).toEqual(RULES);
  });

  it('stay quiet below them', async () => {
    // 12 in 5 minutes = 0.04/s; 120 refusals = 0.4/s.
    expect(await activeRules(fed(12))).toEqual([]);
  });
});
