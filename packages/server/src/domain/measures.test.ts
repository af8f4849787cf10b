import { describe, expect, it } from 'vitest';
import { ERROR_CLASSES } from './span.ts';
import { ANALYTICS_MEASURES, canonicalRuleMeasure, COUNTER_MEASURES, MEASURE_ALIASES, MEASURE_CATALOG, RULE_MEASURES } from './measures.ts';

describe('the measure catalog', () => {
  it('names each measure once, whichever surface uses it', () => {
    expect(new Set(RULE_MEASURES).size).toBe(RULE_MEASURES.length);
    expect(new Set(ANALYTICS_MEASURES).size).toBe(ANALYTICS_MEASURES.length);
    const used = new Set<string>([...ANALYTICS_MEASURES, ...RULE_MEASURES]);
    expect(Object.keys(MEASURE_CATALOG).filter((m) => !used.has(m))).toEqual([]);
    // The quantities both surfaces have are spelled the same.
    for (const m of ['cost', 'requests', 'errors', 'unknown_cost_requests', 'total_tokens', 'input_tokens', 'cache_read_tokens'] as const) {
      expect(ANALYTICS_MEASURES).toContain(m);
      expect(COUNTER_MEASURES).toContain(m);
    }
  });

  it('has a counter of failed calls for every error class', () => {
    for (const c of ERROR_CLASSES) expect(COUNTER_MEASURES).toContain(`errors.${c}`);
  });

  it('reads the older rule spellings as the canonical names and leaves other names alone', () => {
    expect(canonicalRuleMeasure('cost_usd')).toBe('cost');
    expect(canonicalRuleMeasure('tokens')).toBe('total_tokens');
    expect(canonicalRuleMeasure('tokens.cacheRead')).toBe('cache_read_tokens');
    expect(canonicalRuleMeasure('cost')).toBe('cost');
    expect(canonicalRuleMeasure('dollars')).toBe('dollars');
    expect(canonicalRuleMeasure('toString')).toBe('toString');
    expect(canonicalRuleMeasure('__proto__')).toBe('__proto__');
    for (const [old, name] of Object.entries(MEASURE_ALIASES)) {
      expect(RULE_MEASURES).not.toContain(old);
      expect(RULE_MEASURES).toContain(name);
    }
  });
});
