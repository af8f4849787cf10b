import type { IngestItemInput } from '../../ingest/api/schema.ts';
import { demoLiveSlice } from './live.ts';
import { assignFreeTier, ingestTarget, postBatch } from './client.ts';
import { ensureDemoEvaluators } from './evaluators.ts';
import { generateDemoTraffic } from './traffic.ts';
import { DEMO_LIVE_FIRING_AFTER_MS, DEMO_LIVE_INTERVAL_MS, DEMO_LIVE_MAX_MS, HOUR_MS } from './timing.ts';
import type { DemoItemType, DemoLiveSummary, DemoOptions, DemoSummary, DemoTypeCounts } from './types.ts';

// Sending: the backfilled traffic in concurrent batches with progress, then (`--live`) a slice of
// the incident every interval until the duration is over or Ctrl-C stops it.

export const DEMO_BATCH_ITEMS = 200;
const SEND_CONCURRENCY = 4;

export async function runDemo(opts: DemoOptions, progress: (line: string) => void): Promise<DemoSummary> {
  const started = performance.now();
  const nowMs = Date.now();
  const traffic = generateDemoTraffic({ days: opts.days, calls: opts.calls, seed: opts.seed, nowMs, incident: opts.incident !== false });
  const target = ingestTarget(opts.url, opts.key);
  const { endpoint } = target;
  // Before the traffic: the heuristics score it in the ingest chain and the judge samples it as it is accepted.
  const evaluators = opts.evaluators === false ? null : await ensureDemoEvaluators(target);
  if (evaluators && evaluators.status !== 'configured') progress(`evaluators not set up: ${evaluators.detail}`);
  const overBudget = traffic.scenario.incident?.overBudgetUser;
  const tierAssignment = overBudget ? await assignFreeTier(target, overBudget.user) : null;
  if (tierAssignment && tierAssignment.status !== 'assigned') progress(`free tier for ${tierAssignment.user} not assigned: ${tierAssignment.detail}`);

  const batches: IngestItemInput[][] = [];
  for (let i = 0; i < traffic.items.length; i += DEMO_BATCH_ITEMS) batches.push(traffic.items.slice(i, i + DEMO_BATCH_ITEMS));
  const byType: Record<DemoItemType, DemoTypeCounts> = {
    generation: { sent: 0, accepted: 0, duplicates: 0 },
    span: { sent: 0, accepted: 0, duplicates: 0 },
    score: { sent: 0, accepted: 0, duplicates: 0 },
    log: { sent: 0, accepted: 0, duplicates: 0 },
  };
  const total = traffic.items.length;
  let sent = 0;
  let accepted = 0;
  let duplicates = 0;
  let retries = 0;
  let nextReportPct = 10;
  progress(`sending ${total} items (${traffic.traces} traces, ${traffic.generations} LLM calls over ${opts.days} days) to ${endpoint}`);

  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null && next < batches.length) {
      const batch = batches[next++];
      try {
        const res = await postBatch(target, batch, () => retries++);
        batch.forEach((item, i) => {
          const r = res.results?.[i];
          const c = byType[item.type];
          c.sent++;
          if (r?.status === 'accepted') c.accepted++;
          else if (r?.status === 'duplicate') c.duplicates++;
        });
        accepted += res.accepted ?? 0;
        duplicates += res.duplicates ?? 0;
        sent += batch.length;
        const pct = Math.floor((sent / total) * 100);
        if (pct >= nextReportPct) {
          progress(`sent ${sent}/${total} items (${pct}%)`);
          nextReportPct = Math.floor(pct / 10) * 10 + 10;
        }
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEND_CONCURRENCY, batches.length) }, worker));
  if (failure !== null) throw failure;

  return {
    url: opts.url,
    seed: opts.seed,
    days: opts.days,
    fromMs: traffic.fromMs,
    toMs: traffic.toMs,
    traces: traffic.traces,
    generations: traffic.generations,
    batches: batches.length,
    retries,
    sent,
    accepted,
    duplicates,
    rejected: sent - accepted - duplicates,
    byType,
    scenario: traffic.scenario,
    tierAssignment,
    evaluators,
    elapsedMs: Math.round(performance.now() - started),
    endedMs: Date.now(),
    liveMs: opts.liveMs ?? null,
  };
}

// ------------------------------------------------------------------------------------------
// Sending the incident live

export interface DemoLiveOptions {
  url: string;
  key?: string;
  seed: number;
  durationMs: number; // at most DEMO_LIVE_MAX_MS
  intervalMs?: number; // default DEMO_LIVE_INTERVAL_MS
}

export interface DemoLiveSliceReport {
  index: number;
  slices: number; // planned
  atMs: number;
  items: number;
  calls: number;
  failed: number;
  accepted: number;
  duplicates: number;
  runawayInputTokens: number;
}

// The clock, the waiting and the stopping are injectable, so that a test runs an hour in no time.
export interface DemoLiveRuntime {
  now?: () => number;
  // Waits `ms`, or less when `signal` aborts.
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  signal?: AbortSignal; // aborting stops the loop after the slice being sent (Ctrl-C)
  onSlice?: (report: DemoLiveSliceReport) => void | Promise<void>;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function runDemoLive(opts: DemoLiveOptions, progress: (line: string) => void, runtime: DemoLiveRuntime = {}): Promise<DemoLiveSummary> {
  const intervalMs = opts.intervalMs ?? DEMO_LIVE_INTERVAL_MS;
  if (!(opts.durationMs > 0) || opts.durationMs > DEMO_LIVE_MAX_MS) throw new RangeError(`the live duration must be more than 0 and at most ${DEMO_LIVE_MAX_MS / HOUR_MS}h`);
  if (!(intervalMs > 0)) throw new RangeError('intervalMs must be positive');
  const now = runtime.now ?? Date.now;
  const sleepFor = runtime.sleep ?? abortableSleep;
  const signal = runtime.signal ?? new AbortController().signal;
  const target = ingestTarget(opts.url, opts.key);

  const startedMs = now();
  const endMs = startedMs + opts.durationMs;
  const plannedSlices = Math.ceil(opts.durationMs / intervalMs);
  const fmt = (ms: number) => new Date(ms).toISOString().slice(11, 19) + 'Z';
  const totals = { slices: 0, calls: 0, failed: 0, sent: 0, accepted: 0, duplicates: 0, retries: 0, runawayInputTokens: 0 };
  progress(`live: a slice of the incident every ${intervalMs / 1000} s until ${fmt(endMs)} (${plannedSlices} slices); Ctrl-C stops`);
  for (let index = 0; index < plannedSlices && !signal.aborted; index++) {
    const dueMs = startedMs + index * intervalMs;
    const waitMs = dueMs - now();
    if (waitMs > 0) await sleepFor(waitMs, signal);
    if (signal.aborted) break;
    const atMs = now();
    const slice = demoLiveSlice({ seed: opts.seed, index, nowMs: atMs, intervalMs });
    let accepted = 0;
    let duplicates = 0;
    for (let i = 0; i < slice.items.length; i += DEMO_BATCH_ITEMS) {
      const res = await postBatch(target, slice.items.slice(i, i + DEMO_BATCH_ITEMS), () => totals.retries++);
      accepted += res.accepted ?? 0;
      duplicates += res.duplicates ?? 0;
    }
    totals.slices++;
    totals.calls += slice.calls;
    totals.failed += slice.failed;
    totals.sent += slice.items.length;
    totals.accepted += accepted;
    totals.duplicates += duplicates;
    totals.runawayInputTokens += slice.runawayAgent.inputTokens;
    const report: DemoLiveSliceReport = {
      index,
      slices: plannedSlices,
      atMs,
      items: slice.items.length,
      calls: slice.calls,
      failed: slice.failed,
      accepted,
      duplicates,
      runawayInputTokens: slice.runawayAgent.inputTokens,
    };
    progress(`live ${index + 1}/${plannedSlices} ${fmt(atMs)}: ${slice.calls} calls, ${slice.failed} failed, ${Math.round(slice.runawayAgent.inputTokens / 1000)}k tokens to ${slice.runawayAgent.model}`);
    await runtime.onSlice?.(report);
  }
  // The last slice covers the interval after it too: the run ends at the end of the duration.
  if (!signal.aborted && now() < endMs) await sleepFor(endMs - now(), signal);
  const endedMs = now();
  return {
    url: opts.url,
    seed: opts.seed,
    durationMs: opts.durationMs,
    intervalMs,
    startedMs,
    endedMs,
    firesAtMs: startedMs + DEMO_LIVE_FIRING_AFTER_MS,
    slices: totals.slices,
    plannedSlices,
    interrupted: signal.aborted,
    calls: totals.calls,
    failed: totals.failed,
    sent: totals.sent,
    accepted: totals.accepted,
    duplicates: totals.duplicates,
    rejected: totals.sent - totals.accepted - totals.duplicates,
    retries: totals.retries,
    runawayInputTokens: totals.runawayInputTokens,
  };
}

