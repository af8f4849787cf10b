import { DAY_MS, WEEK_MS } from '../../domain/time.ts';
import type { ProjectId } from '../../store/project.ts';
import type { AnalyticsRow } from '../contract.ts';
import { count, num, perMonth, queryRows, rangeDays, sampleTraceIds, str, usd } from './common.ts';
import type { Recommendation, RecommendationRange, Recommender, RecommenderDeps } from './types.ts';

// Features whose prompts are bigger than they need be, found two ways:
// - growth: prompt tokens per call in the last 7 days of the range are more than GROWTH_FACTOR
//   times those of the 3 weeks before (a history or a retrieved context that keeps growing);
// - peers: the feature's prompt:output ratio is more than PEER_FACTOR times the project's median
//   feature's (it sends far more than its answers need, compared to everything else).
// The excess is the prompt tokens above the feature's own earlier size (growth) or above the
// size the median ratio gives for its output (peers), priced as uncached input on each model.
// A feature found by growth is not counted again by the peer test.

export const GROWTH_FACTOR = 1.5;
export const PEER_FACTOR = 3;
export const RECENT_MS = WEEK_MS;
export const BASELINE_MS = 3 * WEEK_MS;
export const MIN_CALLS = 10;
export const MIN_PEERS = 3;

const MEASURES = ['requests', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens'] as const;

interface ModelShare {
  provider: string | null;
  model: string;
  calls: number;
}

interface FeatureTotals {
  calls: number;
  promptTokens: number; // uncached input + cache reads + cache writes
  outputTokens: number; // output + reasoning
  models: ModelShare[];
}

async function featureTotals(deps: RecommenderDeps, project: ProjectId, range: RecommendationRange): Promise<Map<string, FeatureTotals>> {
  const rows: AnalyticsRow[] = await queryRows(deps, project, range, {
    measures: [...MEASURES],
    groupBy: ['feature', 'provider', 'model'],
    filters: [{ dimension: 'kind', values: ['generation'] }],
  });
  const out = new Map<string, FeatureTotals>();
  for (const row of rows) {
    const feature = str(row.feature);
    if (feature === null) continue;
    const f = out.get(feature) ?? { calls: 0, promptTokens: 0, outputTokens: 0, models: [] };
    const calls = num(row.requests);
    f.calls += calls;
    f.promptTokens += num(row.input_tokens) + num(row.cache_read_tokens) + num(row.cache_write_tokens);
    f.outputTokens += num(row.output_tokens) + num(row.reasoning_tokens);
    const model = str(row.model);
    if (model !== null && calls > 0) f.models.push({ provider: str(row.provider), model, calls });
    out.set(feature, f);
  }
  return out;
}

// What `excessPerCall` fewer prompt tokens would have saved on each of the feature's models:
// the price of a call of `perCall` input tokens less that of one of `perCall − excessPerCall`
// (so a tiered price is the one the call's size selects), times its calls. Models without a
// price add nothing.
function excessCostNano(
  deps: RecommenderDeps,
  models: ModelShare[],
  perCall: number,
  excessPerCall: number,
  atUs: number,
): { nano: number; inputUsdPerMtok: number | null; priced: { model: string; calls: number; usdPerMtok: number | null }[] } {
  let nano = 0;
  let inputUsdPerMtok: number | null = null;
  const priced: { model: string; calls: number; usdPerMtok: number | null }[] = [];
  const price = (m: ModelShare, tokens: number) => {
    const cost = deps.pricer.price({ provider: m.provider, requestModel: m.model, responseModel: null, usage: { input: Math.round(tokens), output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, audio: 0 }, startUs: atUs, kind: 'generation' });
    return cost.status === 'priced' ? cost.totalNanoUsd : null;
  };
  for (const m of [...models].sort((a, b) => b.calls - a.calls)) {
    const full = price(m, perCall);
    const trimmed = price(m, Math.max(0, perCall - excessPerCall));
    if (full === null || trimmed === null) continue;
    nano += (full - trimmed) * m.calls;
    const million = price(m, 1_000_000);
    if (inputUsdPerMtok === null && million !== null) inputUsdPerMtok = million / 1e9;
    priced.push({ model: m.model, calls: m.calls, usdPerMtok: million === null ? null : million / 1e9 });
  }
  return { nano, inputUsdPerMtok, priced };
}

// The calls and price of the formula: one model's, or each model's when the feature ran on several.
function callsTimesPrice(calls: number, e: ReturnType<typeof excessCostNano>): string {
  if (e.priced.length <= 1) return `${count(calls)} calls × ${perMtok(e.inputUsdPerMtok)}`;
  return `(${e.priced.map((m) => `${count(m.calls)} calls on ${m.model} × ${perMtok(m.usdPerMtok)}`).join(' + ')})`;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const perMtok = (usdPerMtok: number | null) => (usdPerMtok === null ? 'its input price' : `$${usdPerMtok}/M`);
const mainModel = (f: FeatureTotals) => [...f.models].sort((a, b) => b.calls - a.calls)[0]?.model ?? null;

export const oversizedPrompt: Recommender = async (deps, project, range) => {
  const recentRange = { fromUs: range.toUs - RECENT_MS * 1000, toUs: range.toUs };
  const baselineRange = { fromUs: range.toUs - (RECENT_MS + BASELINE_MS) * 1000, toUs: recentRange.fromUs };
  const [recent, baseline, whole] = await Promise.all([
    featureTotals(deps, project, recentRange),
    featureTotals(deps, project, baselineRange),
    featureTotals(deps, project, range),
  ]);
  const atUs = range.toUs;
  const out: Recommendation[] = [];
  const grown = new Set<string>();

  for (const [feature, now] of recent) {
    const before = baseline.get(feature);
    if (!before || now.calls < MIN_CALLS || before.calls < MIN_CALLS) continue;
    const nowPerCall = now.promptTokens / now.calls;
    const beforePerCall = before.promptTokens / before.calls;
    if (beforePerCall <= 0 || nowPerCall <= GROWTH_FACTOR * beforePerCall) continue;
    grown.add(feature);
    const excessPerCall = nowPerCall - beforePerCall;
    const excess = excessCostNano(deps, now.models, nowPerCall, excessPerCall, atUs);
    const { nano, inputUsdPerMtok } = excess;
    const recentDays = RECENT_MS / DAY_MS;
    const monthly = perMonth(nano, recentDays);
    const growth = nowPerCall / beforePerCall;
    out.push({
      id: `oversized_prompt:feature=${feature}:growth`,
      kind: 'oversized_prompt',
      title: `Trim the prompts of ${feature}: ${count(nowPerCall)} tokens a call now, ${count(beforePerCall)} in the 3 weeks before (×${growth.toFixed(1)})`,
      detail:
        `Prompt tokens per call of ${feature} grew ${growth.toFixed(1)}× in the last 7 days against the 3 weeks before, while the calls did the same job. ` +
        'A history or a retrieved context that keeps growing is the usual cause: cap it, summarise it or retrieve less.',
      feature,
      model: mainModel(now),
      monthlySavingsNano: monthly,
      formula: `(${count(nowPerCall)} − ${count(beforePerCall)}) tokens × ${callsTimesPrice(now.calls, excess)} in 7 d = ${usd(nano)} × 30/7 = ${usd(monthly)}/month`,
      confidence: now.calls >= 10 * MIN_CALLS && before.calls >= 10 * MIN_CALLS ? 'medium' : 'low',
      confidenceReason: 'the growth is measured; whether the extra context is needed is not',
      evidence: {
        calls: now.calls,
        sampleTraceIds: await sampleTraceIds(deps, project, recentRange, { feature, kind: 'generation' }),
        figures: {
          promptTokensPerCallRecent: Math.round(nowPerCall),
          promptTokensPerCallBefore: Math.round(beforePerCall),
          callsRecent: now.calls,
          callsBefore: before.calls,
          growth,
          excessTokensPerCall: Math.round(excessPerCall),
          inputUsdPerMtok,
          savedNanoIn7Days: nano,
        },
      },
    });
  }

  // The peers: features with output to compare against.
  const ratios = new Map<string, number>();
  for (const [feature, f] of whole) if (f.calls >= MIN_CALLS && f.outputTokens > 0) ratios.set(feature, f.promptTokens / f.outputTokens);
  if (ratios.size >= MIN_PEERS) {
    const typical = median([...ratios.values()]);
    const days = rangeDays(range);
    for (const [feature, ratio] of ratios) {
      if (grown.has(feature) || typical <= 0 || ratio <= PEER_FACTOR * typical) continue;
      const f = whole.get(feature)!;
      const perCall = f.promptTokens / f.calls;
      const excessPerCall = perCall - (f.outputTokens / f.calls) * typical;
      const excess = excessCostNano(deps, f.models, perCall, excessPerCall, atUs);
      const { nano, inputUsdPerMtok } = excess;
      const monthly = perMonth(nano, days);
      out.push({
        id: `oversized_prompt:feature=${feature}:ratio`,
        kind: 'oversized_prompt',
        title: `Trim the prompts of ${feature}: ${ratio.toFixed(0)} prompt tokens per output token, ${(ratio / typical).toFixed(1)}× the project's median feature`,
        detail:
          `${feature} sends ${ratio.toFixed(1)} prompt tokens for each token it gets back; the project's median feature sends ${typical.toFixed(1)}. ` +
          'Some features read much and write little by nature (classification, extraction); otherwise, the prompt carries context the answer does not use.',
        feature,
        model: mainModel(f),
        monthlySavingsNano: monthly,
        formula: `(${count(perCall)} − ${count(f.outputTokens / f.calls)} output × ${typical.toFixed(1)} median ratio) tokens × ${callsTimesPrice(f.calls, excess)} = ${usd(nano)} in ${days.toFixed(1)} d × 30/${days.toFixed(1)} = ${usd(monthly)}/month`,
        confidence: 'low',
        confidenceReason: 'a ratio far from its peers is a reason to look, not proof that the context is unused',
        evidence: {
          calls: f.calls,
          sampleTraceIds: await sampleTraceIds(deps, project, range, { feature, kind: 'generation' }),
          figures: {
            promptTokensPerCall: Math.round(perCall),
            outputTokensPerCall: Math.round(f.outputTokens / f.calls),
            ratio,
            medianFeatureRatio: typical,
            peers: ratios.size,
            excessTokensPerCall: Math.round(excessPerCall),
            inputUsdPerMtok,
            savedNanoInRange: nano,
            rangeDays: days,
          },
        },
      });
    }
  }
  return out.filter((r) => r.monthlySavingsNano > 0);
};
