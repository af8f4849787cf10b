import type { IngestItemInput } from '../../ingest/api/schema.ts';
import { addSpan, BASE_ERROR_RATE, callWithRetry, messages, tokens, type TraceContext } from './calls.ts';
import { DEMO_MODELS, NIGHTLY_FEATURE, TEAMS } from './model.ts';
import type { Prng } from './prng.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './timing.ts';
import type { DemoNightlyJob } from './types.ts';

// A scheduled job beside the interactive features: every night at 02:00 UTC the support team's
// ticket digest writes, for each of its largest accounts, a digest of the day's tickets for the
// morning stand-up. Nobody waits on it (no user, no session, nothing streamed), it pastes every
// ticket of the day in full to get a short digest back, and halfway through the demo's days the
// team moved it from gpt-4o to gpt-4o-mini. The cost recommendations find all three: the batch
// API (every call within an hour of the day), an oversized prompt (its prompt:output ratio far
// above the other features') and the move, as a cheaper model applied with its realised saving.

const TEAM = TEAMS.find((t) => t.team === 'support-ops')!;
const HOUR_UTC = 2;
// Accounts digested a night: one per 125 requested calls, from 12 to 24 (24 with the default
// 3,000), so that a small demo is not mostly the job, and each side of the move keeps the 10
// calls the applied recommendation wants.
const MIN_ACCOUNTS = 12;
const MAX_ACCOUNTS = 24;
const CALLS_PER_ACCOUNT = 125;

export function nightlyAccounts(requestedCalls: number): number {
  return Math.min(MAX_ACCOUNTS, Math.max(MIN_ACCOUNTS, Math.round(requestedCalls / CALLS_PER_ACCOUNT)));
}
// The night's run starts within a minute or two of the hour; the calls run one after another.
const START_JITTER_MS = 2 * MINUTE_MS;
const BEFORE = DEMO_MODELS.chatLarge;
const AFTER = DEMO_MODELS.chatSmall;

export interface NightlyRun {
  t0: number;
  items: IngestItemInput[];
  generations: number;
}

// The nights whose run starts within [fromMs, toMs).
function nightStarts(rng: Prng, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let day = Math.floor(fromMs / DAY_MS); day * DAY_MS < toMs; day++) {
    const t0 = day * DAY_MS + HOUR_UTC * HOUR_MS + rng.int(5_000, START_JITTER_MS);
    if (t0 >= fromMs && t0 < toMs) out.push(t0);
  }
  return out;
}

// One night's run: one trace, a digest per account.
function nightlyRun(rng: Prng, ids: Prng, t0: number, accounts: number, onNewModel: boolean): NightlyRun {
  const t: TraceContext = {
    rng,
    ids,
    user: null,
    owner: TEAM,
    feature: NIGHTLY_FEATURE,
    sessionId: null,
    traceId: ids.hex(32),
    tags: ['job:nightly'],
    items: [],
    generations: 0,
    inDip: false,
    inSpike: false,
  };
  const root = ids.hex(16);
  const date = new Date(t0 - DAY_MS).toISOString().slice(0, 10);
  const spec = onNewModel ? AFTER : BEFORE;
  let cursor = t0 + rng.int(20, 200);
  for (let i = 0; i < accounts; i++) {
    const account = `ACC-${1001 + i}`;
    const call = callWithRetry(t, root, cursor, {
      spec,
      // Every ticket of the day in full: threads, internal notes, pasted logs.
      input: tokens(rng, 17_000, 0.35, 5_000, 60_000),
      output: tokens(rng, 320, 0.3, 120, 900),
      stream: false,
      messages: messages(NIGHTLY_FEATURE, 'Write the digest.', `All tickets of ${account} updated on ${date}, in full (threads, internal notes, attachments as text)`),
      answer: `Digest for ${account}, ${date}: 3 open tickets (1 urgent: export fails on large files), 2 closed. First: reply on the export bug.`,
      metadata: { 'job.name': NIGHTLY_FEATURE, 'job.run': date, 'digest.account': account },
    }, BASE_ERROR_RATE);
    cursor = call.endMs + rng.int(50, 400);
  }
  addSpan(t, { kind: 'chain', name: `${NIGHTLY_FEATURE}.nightly`, parent: null, startMs: t0, durationMs: cursor - t0, spanId: root }, {
    metadata: { 'job.schedule': `0 ${HOUR_UTC} * * *`, 'job.accounts': accounts },
  });
  return { t0, items: t.items, generations: t.generations };
}

// Every night's run in [fromMs, toMs): on gpt-4o for the first half of the nights, on gpt-4o-mini
// from the night the team moved it (none with fewer than two nights: it runs on gpt-4o-mini).
export function nightlyJob(rng: Prng, ids: Prng, fromMs: number, toMs: number, accounts: number): { runs: NightlyRun[]; job: DemoNightlyJob } {
  const starts = nightStarts(rng, fromMs, toMs);
  const switchAt = starts.length >= 2 ? Math.floor(starts.length / 2) : 0;
  const runs = starts.map((t0, n) => nightlyRun(rng, ids, t0, accounts, n >= switchAt));
  return {
    runs,
    job: {
      feature: NIGHTLY_FEATURE,
      team: TEAM.team,
      provider: BEFORE.provider,
      hourUtc: HOUR_UTC,
      nights: runs.length,
      accounts,
      calls: runs.reduce((sum, r) => sum + r.generations, 0),
      fromModel: BEFORE.model,
      toModel: AFTER.model,
      // The first UTC day on the cheaper model, when the move is in the range.
      movedMs: switchAt > 0 ? Math.floor(starts[switchAt] / DAY_MS) * DAY_MS : null,
    },
  };
}
