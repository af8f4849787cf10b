import { describe, expect, it } from 'vitest';
import { Rollups } from '../../rollups/rollups.ts';
import { MINUTE_MS } from '../../domain/time.ts';
import { makeScore } from '../../testing/fixtures.ts';
import { loadDefaultPack } from '../rules/default-pack.ts';
import { ruleSchema } from '../rules/schema.ts';
import { evaluateRule } from './evaluate.ts';

// D3: the default pack's LowQualityScore watches each (score name, feature, model) of the scored
// traces on its own: one feature regressing on one model fires for that group alone, and a group
// with fewer scores than minSamples is no data, however bad.

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

describe('LowQualityScore by feature and model', () => {
  it('fires for the group whose scores dropped and not for the others', async () => {
    const pack = await loadDefaultPack();
    const rule = pack.rules.find((r) => r.id === 'LowQualityScore:warning')!;
    expect(rule.query.groupBy).toEqual(['score_name', 'feature', 'model']);
    const rollups = new Rollups({ now: () => T0 });
    const scores = (n: number, value: number, feature: string, model: string) =>
      Array.from({ length: n }, (_, i) =>
        makeScore({ name: 'helpfulness', numericValue: value, feature, model, application: 'app', timestampUs: (T0 - (i + 1) * MINUTE_MS) * 1000 }),
      );
    rollups.onAccepted([], [
      ...scores(25, 0.3, 'doc-search', 'gpt-4o-mini'), // the regression
      ...scores(25, 0.95, 'doc-search', 'gpt-4o'), // same feature, another model: fine
      ...scores(25, 0.9, 'chat', 'gpt-4o-mini'), // same model, another feature: fine
      ...scores(5, 0.1, 'summaries', 'gpt-4o-mini'), // bad, but fewer than minSamples (20)
    ]);
    const out = await evaluateRule(rule, 'default', T0, { rollups });
    const byGroup = new Map(out.groups.map((g) => [`${g.labels.feature}/${g.labels.model}`, g]));
    expect(byGroup.get('doc-search/gpt-4o-mini')).toMatchObject({ active: true, value: expect.closeTo(0.3, 9) });
    expect(byGroup.get('doc-search/gpt-4o')).toMatchObject({ active: false });
    expect(byGroup.get('chat/gpt-4o-mini')).toMatchObject({ active: false });
    expect(byGroup.get('summaries/gpt-4o-mini')?.active ?? false).toBe(false);
    expect(out.groups.filter((g) => g.active).map((g) => g.labels)).toEqual([{ score_name: 'helpfulness', feature: 'doc-search', model: 'gpt-4o-mini' }]);
  });

  it('lets score rules filter and group by feature, model and application only', () => {
    const parse = (query: Record<string, unknown>) =>
      ruleSchema.safeParse({ name: 'Q', kind: 'threshold', query: { measure: 'score', ...query }, window: '1h', op: '<', threshold: 0.5, severity: 'warning', category: 'quality' });
    expect(parse({ groupBy: ['feature', 'model', 'application'], filter: { feature: 'chat' } }).success).toBe(true);
    // Score cells by feature are kept 8 days, not the 26 hours of call cells by feature.
    expect(ruleSchema.safeParse({ name: 'Q', kind: 'threshold', query: { measure: 'score', groupBy: ['feature'] }, window: '3d', op: '<', threshold: 0.5, severity: 'warning', category: 'quality' }).success).toBe(true);
    const team = parse({ groupBy: ['team'] });
    expect(team.success).toBe(false);
    expect(JSON.stringify(team.error?.issues)).toContain('score measures group by score_name, feature, model and application only');
    expect(parse({ filter: { provider: 'openai' } }).success).toBe(false);
  });
});
