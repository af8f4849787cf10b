import { catalogProviderId } from '../../enrich/pricing/catalog.ts';
import { HOUR_MS } from '../../domain/time.ts';
import type { SpanFilter } from '../../store/span-reads.ts';
import { QUERY_LIMITS, type AnalyticsRow } from '../contract.ts';
import { costNanoOf, count, fmtDays, num, perMonth, queryRows, rangeDays, str, topWithSamples, usd } from './common.ts';
import type { Confidence, Recommendation, Recommender } from './types.ts';

// A feature nobody waits on: none of its calls belongs to a user session and none is streamed
// (no time to first token), so it could go through the provider's batch API, which answers within
// a day at a discount. Calls gathered in a few hours of the day (a nightly job) make it certain.
// The saving is the feature's known cost on that provider times the discount.

// The catalog (@pydantic/genai-prices) carries no batch prices, only standard ones, so the
// discounts are the providers' published ones:
// OpenAI: "Batch API: save 50% on inputs and outputs" (https://platform.openai.com/docs/guides/batch);
// Anthropic: "Message Batches API ... 50% of standard API prices" (https://docs.anthropic.com/en/docs/build-with-claude/batch-processing);
// Google Gemini: "Batch ... 50% of the interactive cost" (https://ai.google.dev/gemini-api/docs/batch-mode).
export const BATCH_DISCOUNT_BY_PROVIDER: Readonly<Record<string, number>> = { openai: 0.5, anthropic: 0.5, google: 0.5 };

// Share of a feature's calls that must fall within BURST_HOURS hours of the day for it to count
// as a scheduled job.
export const BURST_SHARE = 0.8;
export const BURST_HOURS = 3;
export const MIN_CALLS = 10;

export function batchDiscount(provider: string): number | null {
  const id = catalogProviderId(provider) ?? provider.toLowerCase();
  return BATCH_DISCOUNT_BY_PROVIDER[id] ?? null;
}

export const batchApi: Recommender = async (deps, project, range) => {
  const rows = await queryRows(deps, project, range, {
    measures: ['requests', 'cost', 'ttft_p50'],
    groupBy: ['feature', 'provider', 'session'],
  });
  interface Feature { calls: number; costNano: number; interactive: boolean; providers: Map<string, { calls: number; costNano: number }> }
  const features = new Map<string, Feature>();
  for (const row of rows) {
    const feature = str(row.feature);
    if (feature === null) continue;
    let f = features.get(feature);
    if (!f) features.set(feature, (f = { calls: 0, costNano: 0, interactive: false, providers: new Map() }));
    if (str(row.session) !== null || row.ttft_p50 !== null) f.interactive = true;
    const provider = str(row.provider);
    if (provider === null) continue;
    const p = f.providers.get(provider) ?? { calls: 0, costNano: 0 };
    p.calls += num(row.requests);
    p.costNano += costNanoOf(row);
    f.providers.set(provider, p);
  }
  const candidates = [...features].filter(([, f]) => !f.interactive).map(([name]) => name).slice(0, QUERY_LIMITS.maxFilterValues);
  if (candidates.length === 0) return [];

  // When in the day each candidate's calls arrive.
  // A query's rows are bounded and empty hours may be filled in, so as many features a query as
  // their hours fit.
  const hoursInRange = Math.ceil((range.toUs - range.fromUs) / 1000 / HOUR_MS) + 1;
  const perQuery = Math.max(1, Math.floor(QUERY_LIMITS.maxLimit / hoursInRange));
  const hourly: AnalyticsRow[] = [];
  for (let i = 0; i < candidates.length; i += perQuery) {
    const values = candidates.slice(i, i + perQuery);
    hourly.push(...(await queryRows(deps, project, range, { measures: ['requests'], groupBy: ['feature'], bucket: 'hour', filters: [{ dimension: 'feature', values }] })));
  }
  const byHourOfDay = new Map<string, number[]>();
  for (const row of hourly) {
    const feature = str(row.feature);
    const bucket = str(row.bucket);
    if (feature === null || bucket === null) continue;
    const hours = byHourOfDay.get(feature) ?? new Array<number>(24).fill(0);
    hours[Math.floor(Date.parse(bucket) / HOUR_MS) % 24] += num(row.requests);
    byHourOfDay.set(feature, hours);
  }

  const days = rangeDays(range);
  const found: { rec: Recommendation; calls: SpanFilter }[] = [];
  for (const feature of candidates) {
    const f = features.get(feature)!;
    const hours = byHourOfDay.get(feature) ?? new Array<number>(24).fill(0);
    const total = hours.reduce((a, b) => a + b, 0);
    const busiest = [...hours].sort((a, b) => b - a).slice(0, BURST_HOURS).reduce((a, b) => a + b, 0);
    const burstShare = total > 0 ? busiest / total : 0;
    const scheduled = burstShare >= BURST_SHARE;
    for (const [provider, p] of f.providers) {
      const discount = batchDiscount(provider);
      if (discount === null || p.calls < MIN_CALLS || p.costNano <= 0) continue;
      const savings = Math.round(p.costNano * discount);
      const confidence: Confidence = scheduled ? 'high' : 'medium';
      const pct = Math.round(discount * 100);
      const rec: Recommendation = {
        id: `batch_api:feature=${feature}:${provider}`,
        kind: 'batch_api',
        title: `Send '${feature}' through ${provider}'s batch API`,
        detail:
          `'${feature}' made ${count(p.calls)} calls on ${provider} costing ${usd(p.costNano)}, none in a user session and none streamed, so nobody waits on them. ` +
          `${provider}'s batch API answers within 24 hours at ${pct}% off.` +
          (scheduled ? ` ${Math.round(burstShare * 100)}% of its calls come in ${BURST_HOURS} hours of the day, as a scheduled job's do.` : ''),
        feature,
        model: null,
        monthlySavingsNano: perMonth(savings, days),
        formula: `${usd(p.costNano)} × ${pct}% batch discount × 30 d / ${fmtDays(days)} d`,
        confidence,
        confidenceReason: scheduled
          ? `no sessions, no streaming, and ${Math.round(burstShare * 100)}% of calls within ${BURST_HOURS} hours of the day`
          : `no sessions and no streaming, but the calls are spread over the day (${Math.round(burstShare * 100)}% in the busiest ${BURST_HOURS} hours): check that nobody waits on them`,
        evidence: {
          calls: p.calls,
          sampleTraceIds: [],
          figures: { provider, calls: p.calls, costNano: p.costNano, batchDiscount: discount, rangeDays: Number(days.toFixed(4)), burstShare: Number(burstShare.toFixed(4)) },
        },
        applied: null,
      };
      found.push({ rec, calls: { feature, provider } });
    }
  }
  return topWithSamples(deps, project, range, found);
};
