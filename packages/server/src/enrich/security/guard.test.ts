import { describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE, JUDGE_INGEST_SOURCE } from '../../domain/quality.ts';
import { emptyAttribution } from '../../domain/span.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { CLIENT_EVALUATION_FEATURE, GuardProcessor } from './guard.ts';

describe('GuardProcessor: the judge feature', () => {
  const claim = (feature: string | null = EVALUATION_FEATURE) => makeSpan({ attribution: { ...emptyAttribution(), feature, userId: 'u1' } });

  it("keeps it on the judge's own spans only", () => {
    const judge = claim();
    new GuardProcessor().process({ spans: [judge], scores: [], logs: [], source: JUDGE_INGEST_SOURCE });
    expect(judge.attribution.feature).toBe(EVALUATION_FEATURE);
  });

  it('rewrites it on every other path (and when the path is not said), leaving the rest', () => {
    for (const source of ['api', 'otlp', 'gateway', undefined]) {
      const [client, other] = [claim(), claim('chat')];
      new GuardProcessor().process({ spans: [client, other], scores: [], logs: [], ...(source ? { source } : {}) });
      expect(client.attribution, String(source)).toEqual({ ...emptyAttribution(), feature: CLIENT_EVALUATION_FEATURE, userId: 'u1' });
      expect(other.attribution.feature).toBe('chat');
    }
  });
});
