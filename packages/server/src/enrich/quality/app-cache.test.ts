import { describe, expect, it } from 'vitest';
import { EVALUATION_FEATURE, QUALITY_METADATA } from '../../domain/quality.ts';
import { emptyAttribution } from '../../domain/span.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { AppCacheProcessor, appCacheResultOf } from './app-cache.ts';

const span = (metadata: Record<string, string>, feature: string | null = null) => makeSpan({ metadata, attribution: { ...emptyAttribution(), feature } });

describe('application cache lookups', () => {
  it('reads cache.hit in any case and the gateway response cache, and nothing else', () => {
    expect(appCacheResultOf(span({ 'cache.hit': 'true' }))).toBe('hit');
    expect(appCacheResultOf(span({ 'cache.hit': ' FALSE ' }))).toBe('miss');
    expect(appCacheResultOf(span({ 'langfuse.metadata.cache.hit': 'true' }))).toBe('hit');
    expect(appCacheResultOf(span({ 'gateway.cache': 'hit' }), 'gateway')).toBe('hit');
    expect(appCacheResultOf(span({ 'gateway.cache': 'miss' }), 'gateway')).toBe('miss');
    for (const metadata of [{}, { 'cache.hit': 'yes' }, { 'cache.hit': '' }, { 'gateway.cache': 'bypass' }, { 'llm.cached': 'true' }] as Record<string, string>[]) expect(appCacheResultOf(span(metadata), 'gateway')).toBeNull();
    // The judge's calls are Lookout's, never the application's lookups.
    expect(appCacheResultOf(span({ 'cache.hit': 'true' }, EVALUATION_FEATURE))).toBeNull();
  });

  it('marks each lookup under Lookout\'s key and leaves other spans alone', () => {
    const spans = [span({ 'cache.hit': 'true' }), span({ 'gateway.cache': 'miss' }), span({})];
    new AppCacheProcessor().process({ source: 'gateway', spans, scores: [], logs: [] });
    expect(spans.map((s) => s.metadata[QUALITY_METADATA.appCacheLookup])).toEqual(['hit', 'miss', undefined]);
  });

  it("counts gateway.cache only on the gateway's own calls, not on a client's spans that carry the key", () => {
    for (const source of ['api', 'otlp', 'langfuse', undefined]) {
      const spans = [span({ 'gateway.cache': 'hit' }), span({ 'gateway.cache': 'miss' }), span({ 'gateway.cache': 'hit', 'cache.hit': 'false' })];
      new AppCacheProcessor().process({ source, spans, scores: [], logs: [] });
      expect(spans.map((s) => s.metadata[QUALITY_METADATA.appCacheLookup]), String(source)).toEqual([undefined, undefined, 'miss']);
    }
  });
});
