import { DEMO_JUDGE_BASE_URL } from '../../quality/judge/demo-judge.ts';
import { DEMO_MODELS } from './model.ts';
import { DEMO_LIVE_FIRING_AFTER_MS, DEMO_LIVE_INTERVAL_MS, formatLiveDuration, MINUTE_MS } from './timing.ts';
import type { DemoLiveSummary, DemoSummary } from './types.ts';

// What the demo tells a person when it is done: what was sent, where the story's events are, and
// which alerts to expect when.

// What the default rule pack (alerts/rules/default-pack.yaml) makes of the incident. Rules over a
// window of an hour or a day keep seeing the incident until their `for` has passed and fire;
// rules over 5 minutes see it only until the window has moved past it, which is sooner than their
// `for` of 5 minutes (and CostSpike's 1-hour baseline rule waits an hour): they stay pending and
// resolve unless more such traffic follows (running the demo again renews them).
export const DEMO_INCIDENT_ALERTS = {
  firing: [
    { alertname: 'UserBudgetExceeded', withinMinutes: 1 },
    { alertname: 'DailyCostExceeded', withinMinutes: 5 },
    { alertname: 'UnknownModelCalls', withinMinutes: 5 },
    { alertname: 'HighTokenUsage', withinMinutes: 5 },
    { alertname: 'LowQualityScore', withinMinutes: 10 },
    { alertname: 'EmbeddingTruncation', withinMinutes: 10 },
    { alertname: 'RetrievalDrift', withinMinutes: 10 },
    { alertname: 'HighCostPerRequest', withinMinutes: 15 },
  ],
  pendingOnly: ['CostSpike', 'HighLatency', 'HighLLMLatency', 'HighErrorRate'],
  // What `--live` makes fire (CostSpike: its critical rate over 5 minutes), DEMO_LIVE_FIRING_AFTER_MS in.
  live: ['CostSpike', 'HighLatency', 'HighLLMLatency', 'HighErrorRate'],
} as const;

function describeNightlyJob(j: DemoSummary['scenario']['nightlyJob'], fmt: (ms: number) => string): string[] {
  if (j.nights === 0) return [];
  const hour = `${String(j.hourUtc).padStart(2, '0')}:00 UTC`;
  const moved = j.movedMs === null ? `on ${j.provider}/${j.toModel}` : `moved from ${j.provider}/${j.fromModel} to ${j.toModel} on ${fmt(j.movedMs).slice(0, 10)}`;
  return [
    `  nightly job: ${j.feature} (${j.team}), ${j.calls} calls over ${j.nights} nights at ${hour}, no user session, nothing streamed; ${moved}`,
    '  what to change to spend less, with the dollars and the calls behind it: lookout report recommendations (or the Cost page)',
  ];
}

export function describeDemoSummary(s: DemoSummary): string {
  const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + 'Z';
  const lines = [
    `Demo traffic sent to ${s.url} in ${(s.elapsedMs / 1000).toFixed(1)} s (seed ${s.seed}, ${s.days} days: ${fmt(s.fromMs)} – ${fmt(s.toMs)})`,
    `  ${s.traces} traces, ${s.generations} LLM calls; ${s.sent} items in ${s.batches} batches${s.retries ? ` (${s.retries} retried after back-pressure)` : ''}`,
    `  accepted ${s.accepted}, duplicates ${s.duplicates}, rejected ${s.rejected}`,
  ];
  for (const [type, c] of Object.entries(s.byType)) lines.push(`    ${type.padEnd(10)} sent ${c.sent}, accepted ${c.accepted}, duplicates ${c.duplicates}`);
  lines.push(
    `  cost spike: ${s.scenario.costSpike.feature} on ${s.scenario.costSpike.model}, ${fmt(s.scenario.costSpike.fromMs)} – ${fmt(s.scenario.costSpike.toMs)}`,
    `  quality dip: ${s.scenario.qualityDip.feature}, ${fmt(s.scenario.qualityDip.fromMs)} – ${fmt(s.scenario.qualityDip.toMs)}`,
    `  unknown model (cost shown as unknown, not $0): ${s.scenario.unknownModel.provider}/${s.scenario.unknownModel.model}`,
    ...describeNightlyJob(s.scenario.nightlyJob, fmt),
  );
  lines.push(...describeEvaluators(s.evaluators));
  const i = s.scenario.incident;
  const live = s.liveMs === null ? null : describeLivePlan(s.liveMs, s.endedMs, fmt);
  if (!i) {
    lines.push(live ? '  no incident before now (--no-incident); --live starts it now' : '  no incident now (--no-incident): the alert rules have nothing recent to find');
    if (live) lines.push(...live);
    return lines.join('\n');
  }
  const ktok = (n: number) => `${Math.round(n / 1000).toLocaleString('en-US')}k`;
  const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const a = s.tierAssignment;
  lines.push(
    `  incident now, ${fmt(i.fromMs)} – ${fmt(i.toMs)} (${i.calls} more LLM calls):`,
    `    runaway agent: ${i.runawayAgent.feature} by ${i.runawayAgent.user} (${i.runawayAgent.team}), ${i.runawayAgent.calls} calls on ${i.runawayAgent.provider}/${i.runawayAgent.model}, ${ktok(i.runawayAgent.inputTokens)} input tokens: the 24 h spend passes $100`,
    `    degraded model: ${i.degradedModel.provider}/${i.degradedModel.model} in ${i.degradedModel.feature}, ${i.degradedModel.calls} calls, ${i.degradedModel.failed} failed (timeouts, 500s), p95 ${sec(i.degradedModel.p95Ms)}, p99 ${sec(i.degradedModel.p99Ms)}`,
    `    unknown model: ${i.unknownModel.calls} ${i.unknownModel.feature} calls on ${i.unknownModel.provider}/${i.unknownModel.model}`,
    `    quality drop: ${i.qualityDrop.feature}, ${i.qualityDrop.scores} ${i.qualityDrop.scoreName} scores averaging ${i.qualityDrop.averageScore}; the hour's average is ${i.qualityDrop.hourAverageScore} over ${i.qualityDrop.hourScores} scores`,
    `    retrieval drift: ${i.retrievalDrift.retrievals} ${i.retrievalDrift.feature} retrievals from the truncated embeddings (low top scores, off-topic passages) against the day before`,
    `    over budget: ${i.overBudgetUser.user} (${i.overBudgetUser.tier} tier, $${i.overBudgetUser.dailyLimitUsd}/day), ${i.overBudgetUser.calls} ${i.overBudgetUser.feature} calls on ${i.overBudgetUser.provider}/${i.overBudgetUser.model}, ${ktok(i.overBudgetUser.inputTokens)} input tokens`,
  );
  if (a) lines.push(`    free tier: ${a.status === 'assigned' ? a.detail : `not assigned, ${a.detail}`}`);
  const firing = DEMO_INCIDENT_ALERTS.firing.filter((f) => f.alertname !== 'UserBudgetExceeded' || a?.status === 'assigned');
  lines.push(`  alerts pending now (lookout alerts list), firing within 1–15 minutes: ${firing.map((f) => `${f.alertname} (~${f.withinMinutes} min)`).join(', ')}`);
  if (live) {
    lines.push(...live, '  once the live traffic stops, ServiceDown (~6 min) and LLMTrafficStopped (~10 min) follow');
  } else {
    lines.push(
      `  pending for the next ~3 minutes only, then resolved (5-minute windows move past the burst): ${DEMO_INCIDENT_ALERTS.pendingOnly.join(', ')}`,
      `  to see ${LIVE_HEADLINE} fire, keep the incident going: lookout demo --live 10m`,
      '  with no traffic after the demo, ServiceDown (~6 min) and LLMTrafficStopped (~10 min) follow',
    );
  }
  return lines.join('\n');
}

function describeEvaluators(e: DemoSummary['evaluators']): string[] {
  if (e === null) return ['  evaluators: not set up (--no-evaluators)'];
  if (e.status !== 'configured') return [`  evaluators: not set up, ${e.detail}`];
  const made = e.created.length ? `created ${e.created.join(', ')}` : 'none created';
  return [
    `  evaluators: ${made}${e.existing.length ? `; already there: ${e.existing.join(', ')}` : ''} (lookout evaluators list)`,
    `    judge.* use the built-in DEMO judge (${DEMO_JUDGE_BASE_URL}): its scores are fake, made from simple signals without any model or API key, and labelled as demo`,
    '    heuristic scores come with the traffic; judged scores arrive over the next minute or so (Quality page, lookout report quality)',
  ];
}

const LIVE_HEADLINE = 'CostSpike, HighLatency and HighErrorRate';

// What --live will do, for the demo's summary (printed just before the live traffic starts).
function describeLivePlan(liveMs: number, startMs: number, fmt: (ms: number) => string): string[] {
  const firesAtMs = startMs + DEMO_LIVE_FIRING_AFTER_MS;
  const endMs = startMs + liveMs;
  const names = DEMO_INCIDENT_ALERTS.live.join(', ');
  if (firesAtMs > endMs) {
    return [
      `  live for ${formatLiveDuration(liveMs)} (--live), until ${fmt(endMs)}: shorter than the ${DEMO_LIVE_FIRING_AFTER_MS / MINUTE_MS} minutes ${names} must stay pending, so they will not fire; use --live 10m`,
    ];
  }
  return [
    `  live for ${formatLiveDuration(liveMs)} (--live), until ${fmt(endMs)}: a slice of the incident every ${DEMO_LIVE_INTERVAL_MS / 1000} s keeps ${names} pending`,
    `    they fire at about ${fmt(firesAtMs)} (~${DEMO_LIVE_FIRING_AFTER_MS / MINUTE_MS} min from now) and stay firing until ~5 minutes after the live traffic stops (Ctrl-C stops it early)`,
  ];
}

export function describeDemoLiveSummary(s: DemoLiveSummary): string {
  const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ') + 'Z';
  const ran = formatLiveDuration(s.endedMs - s.startedMs);
  const names = DEMO_INCIDENT_ALERTS.live.join(', ');
  const lines = [
    `Live incident ${s.interrupted ? `stopped by Ctrl-C after ${ran}` : `sent for ${ran}`} (${fmt(s.startedMs)} – ${fmt(s.endedMs)}): ${s.slices} of ${s.plannedSlices} slices`,
    `  ${s.calls} LLM calls, ${s.failed} failed; ${s.sent} items, accepted ${s.accepted}, duplicates ${s.duplicates}, rejected ${s.rejected}${s.retries ? ` (${s.retries} batches retried after back-pressure)` : ''}`,
    `  runaway agent: ${Math.round(s.runawayInputTokens / 1000).toLocaleString('en-US')}k prompt tokens to ${DEMO_MODELS.opus.provider}/${DEMO_MODELS.opus.model}`,
  ];
  if (s.endedMs >= s.firesAtMs) {
    lines.push(`  ${names} fired at about ${fmt(s.firesAtMs)} (lookout alerts list); they resolve ~5 minutes from now, when their windows move past the last slice`);
  } else {
    lines.push(`  stopped before ${fmt(s.firesAtMs)}, when ${names} would have fired; they resolve within ~5 minutes without firing`);
  }
  lines.push('  with no more traffic, ServiceDown (~6 min) and LLMTrafficStopped (~10 min) follow');
  return lines.join('\n');
}
