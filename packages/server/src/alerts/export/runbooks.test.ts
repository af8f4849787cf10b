import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildPrometheusRules, isAlertingRule } from './prometheus.ts';

// Every exported alert links to a runbook section that exists (GitHub-style heading anchors).
describe('runbook links', () => {
  it('point at a heading of docs/runbooks.md for every alert', () => {
    const doc = readFileSync(new URL('../../../../../docs/runbooks.md', import.meta.url), 'utf8');
    const anchors = new Set([...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    const rules = buildPrometheusRules().groups.flatMap((g) => g.rules).filter(isAlertingRule);
    expect(rules.length).toBeGreaterThan(10);
    for (const rule of rules) {
      const anchor = rule.annotations.runbook_url.split('#')[1];
      expect(anchors.has(anchor), `${rule.alert} links to #${anchor}`).toBe(true);
    }
  });
});
