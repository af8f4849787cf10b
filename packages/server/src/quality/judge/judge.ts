import type { Logger } from 'pino';
import type { Agent } from 'undici';
import { OutboundGuard } from '../../alerts/notifications/ssrf.ts';
import type { LookoutConfig } from '../../config/config.ts';
import { LookoutError } from '../../errors.ts';
import { JUDGE_INGEST_SOURCE, type EvaluationTrial, type Evaluator, type EvaluatorSource, type JudgeCriterion } from '../../domain/quality.ts';
import type { LogRecord, ScoreRecord } from '../../domain/score.ts';
import type { SpanRecord } from '../../domain/span.ts';
import type { Pricer } from '../../enrich/pricing/index.ts';
import type { IngestObserver } from '../../ingest/pipeline.ts';
import type { LookoutMetrics } from '../../metrics/registry.ts';
import type { StateDocument } from '../../state/document.ts';
import { projectId as toProjectId, type Store, type WriteBatch, type WriteResult } from '../../store/store.ts';
import { JudgeBudget } from './budget.ts';
import type { JudgeEndpoint } from './client.ts';
import { DEMO_JUDGE_MODEL, DEMO_JUDGE_PROVIDER, isDemoJudgeUrl } from './demo-judge.ts';
import { runJudge, type JudgeRun } from './evaluate.ts';
import { JudgeQueue, jobKey, type JudgeJob, type JudgeQueueDocument } from './queue.ts';
import { costUsdOf, evaluationEvent, judgeScore, judgeScoreId, judgeSpan, traceEndMs } from './records.ts';
import { JudgeSampler } from './sampler.ts';
import { templateFor } from './templates.ts';

// D2: the LLM judge. Sampled traces (sampler.ts) wait in a durable queue (queue.ts) until they
// have settled; a worker takes them within the concurrency and rate limits, reads the trace from
// the store, asks the judge (evaluate.ts) and submits what came of it to the ingest pipeline
// (source 'judge'): the judge's calls as spans of feature lookout.evaluation, priced by the chain
// and counted against the project's daily judge budget (budget.ts), then the score, or a failed
// evaluation as a log record. Calls refused with 429 or 5xx, or timing out, are tried again later
// (Retry-After honoured, else exponential back-off); none of this runs on the ingest path.

export type JudgeConfig = LookoutConfig['judge'];

export interface JudgeDeps {
  config: JudgeConfig;
  store: Store;
  // caughtUp: the trace is read once everything acknowledged before is in the store.
  pipeline: { submit(batch: WriteBatch, source: string): Promise<WriteResult>; caughtUp(): Promise<void>; readonly loadedSeq: number };
  pricer: Pricer;
  evaluators: EvaluatorSource;
  metrics: LookoutMetrics;
  logger: Logger;
  queueDocument: StateDocument<JudgeQueueDocument>;
  // Private hosts an evaluator's own judge endpoint may be (the alert receivers' allow-list,
  // alerts.notifications.allowedHosts): host names, addresses, CIDR ranges.
  allowedHosts?: readonly string[];
  now?: () => number;
}

// Judge calls per sampled trace that fail in transport before it is given up.
export const MAX_CALL_ATTEMPTS = 5;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 5 * 60_000;
// A trace is read whole up to this many spans; the judge needs its question, answer and documents.
const MAX_TRACE_SPANS = 2_000;
// When the store or the pipeline refuses (busy, shutting down), the job waits this long.
const STORE_RETRY_MS = 5_000;
// How long stopping waits for judge calls in flight.
const STOP_GRACE_MS = 2_000;

const KIND = 'llm_judge';

// Exponential back-off with jitter (50–100 % of the step), after `attempt` failed calls.
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + random() / 2));
}

// Whether an evaluator's baseUrl names the instance's endpoint itself (as URLs, so a trailing
// slash or the letter case of the host makes no difference).
function sameEndpoint(own: string, instance: string | null): boolean {
  if (instance === null) return false;
  const norm = (u: string) => {
    try {
      return new URL(u).href.replace(/\/+$/, '');
    } catch {
      return null;
    }
  };
  const a = norm(own);
  return a !== null && a === norm(instance);
}

export class Judge implements IngestObserver {
  private readonly deps: JudgeDeps;
  private readonly config: JudgeConfig;
  private readonly queue: JudgeQueue;
  private readonly budget: JudgeBudget;
  private readonly sampler: JudgeSampler;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private nextStartMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly guard: OutboundGuard;
  // Calls to evaluators' own endpoints go through this agent (made on first use, closed by stop()).
  private agent: Agent | null = null;

  private constructor(deps: JudgeDeps, queue: JudgeQueue) {
    this.deps = deps;
    this.guard = new OutboundGuard(deps.allowedHosts ?? [], undefined, 'judge');
    this.config = deps.config;
    this.now = deps.now ?? Date.now;
    this.queue = queue;
    this.budget = new JudgeBudget(deps.config.dailyBudgetUsd, this.now());
    this.intervalMs = 60_000 / deps.config.ratePerMinute;
    this.sampler = new JudgeSampler({
      evaluators: deps.evaluators,
      queue,
      settleMs: deps.config.settleMs,
      now: this.now,
      hooks: {
        budgetReached: (project, nowMs) => this.budget.reached(project, nowMs),
        canJudge: (ev) => this.canJudge(ev),
        onBudgetSkip: (project, _ev, nowMs) => this.budgetSkip(project, nowMs),
        onOffer: (outcome) => {
          if (outcome === 'queued') this.kick();
          else this.count(outcome === 'full' ? 'queue_full' : 'duplicate');
          this.deps.metrics.judgeQueueDepth.set(this.queue.depth);
        },
      },
    });
  }

  // Reads the queue left by the last run and today's judge spend from the store. Open it after
  // the ingest journal is recovered.
  static async open(deps: JudgeDeps): Promise<Judge> {
    const queue = await JudgeQueue.open(deps.queueDocument, {
      maxJobs: deps.config.maxQueue,
      onWriteError: (err) => deps.logger.error({ err, event: 'judge_queue_write_failed' }, 'could not write the judge queue; sampled traces may be lost in a crash'),
    });
    const judge = new Judge(deps, queue);
    await judge.budget.rebuild(deps.store, judge.now());
    deps.metrics.judgeQueueDepth.set(queue.depth);
    if (queue.depth) deps.logger.info({ event: 'judge_queue_recovered', jobs: queue.depth }, 'traces sampled by the last run wait to be judged');
    return judge;
  }

  get queueDepth(): number {
    return this.queue.depth;
  }

  // I4: the traces of a project waiting to be judged, and their removal after an erasure; the
  // queue file is written again without them.
  queuedTraces(projectId: string): string[] {
    return this.queue.tracesOf(projectId);
  }

  async dropQueuedTraces(projectId: string, traceIds: ReadonlySet<string>): Promise<number> {
    const n = this.queue.removeTraces(projectId, traceIds);
    this.deps.metrics.judgeQueueDepth.set(this.queue.depth);
    await this.queue.flush();
    return n;
  }

  spentTodayUsd(projectId: string): number {
    return this.budget.spentUsd(projectId, this.now());
  }

  onAccepted(spans: readonly SpanRecord[], scores: readonly ScoreRecord[], seq = 0): void {
    if (this.stopped) return; // the queue is written for the next run; nothing joins it now
    this.budget.record(spans, this.now());
    this.sampler.onAccepted(spans, scores, seq);
  }

  start(): void {
    this.running = true;
    this.kick();
  }

  // A deleted project: its waiting traces and today's judge spend. A call under way for it
  // records nothing when it returns.
  async forgetProject(projectId: string): Promise<void> {
    this.queue.forgetProject(projectId);
    this.budget.forgetProject(projectId);
    this.deps.metrics.judgeQueueDepth.set(this.queue.depth);
    await this.queue.flush();
  }

  // Stops taking jobs, waits a little for the calls in flight (a job not finished stays in the
  // queue and is judged after the restart) and writes the queue.
  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => (grace = setTimeout(r, STOP_GRACE_MS)))]);
    clearTimeout(grace);
    const agent = this.agent;
    this.agent = null;
    await agent?.destroy().catch(() => undefined);
    await this.queue.flush();
  }

  // Whether the evaluator has an endpoint to ask: its own, or the instance's (LOOKOUT_JUDGE_BASE_URL).
  canJudge(ev: Evaluator): boolean {
    return ev.judge?.baseUrl !== undefined || this.config.baseUrl !== null;
  }

  // "Try on this trace": judges now and records nothing.
  async trial(projectId: string, evaluator: Evaluator, traceId: string): Promise<EvaluationTrial> {
    if (!this.canJudge(evaluator)) throw new LookoutError('conflict', 'no judge is configured on this server: set LOOKOUT_JUDGE_BASE_URL (and LOOKOUT_JUDGE_MODEL), or give the evaluator its own judge.baseUrl, to try llm_judge evaluators');
    const base = { evaluatorId: evaluator.id, traceId, spanId: null, value: null, reasoning: null, costUsd: null, error: null };
    await this.deps.pipeline.caughtUp();
    const trace = await this.deps.store.getTrace(toProjectId(projectId), traceId, MAX_TRACE_SPANS);
    if (!trace.spans.length) return { ...base, outcome: 'not_applicable', error: `no trace ${traceId} in this project` };
    const run = await runJudge(evaluator, trace.spans, this.endpointOf(evaluator), { timeoutMs: this.config.timeoutMs, now: this.now });
    let costNano: number | null = null;
    for (const [i, call] of run.calls.entries()) {
      const span = judgeSpan(projectId, evaluator, traceId, run.templateVersion ?? 'none', call, this.spanModel(evaluator), i);
      const cost = this.deps.pricer.price(span);
      if (cost.totalNanoUsd !== null) costNano = (costNano ?? 0) + cost.totalNanoUsd;
    }
    return {
      ...base,
      spanId: run.span?.spanId ?? null,
      outcome: run.outcome,
      value: run.judgement?.score ?? null,
      reasoning: run.judgement?.reasoning ?? null,
      costUsd: costNano === null ? null : costNano / 1e9,
      error: run.reason,
    };
  }

  // The instance's endpoint is the operator's: trusted, and the only one sent the instance's key.
  // An evaluator's own baseUrl is its project's: called only where the outbound policy allows
  // (no private or loopback address unless allow-listed), with the evaluator's key or none.
  private endpointOf(ev: Evaluator): JudgeEndpoint {
    const own = ev.judge?.baseUrl;
    // Answered in process by the client: no key, no outbound policy.
    if (isDemoJudgeUrl(own)) return { baseUrl: own!, model: ev.judge?.model ?? DEMO_JUDGE_MODEL, apiKey: null };
    const model = ev.judge?.model ?? this.config.model;
    if (own === undefined || sameEndpoint(own, this.config.baseUrl)) return { baseUrl: this.config.baseUrl ?? '', model, apiKey: ev.judge?.apiKey ?? this.config.apiKey };
    const dispatcher = (this.agent ??= this.guard.agent({ connectTimeoutMs: this.config.timeoutMs }));
    return { baseUrl: own, model, apiKey: ev.judge?.apiKey ?? null, outbound: { guard: this.guard, dispatcher } };
  }

  private spanModel(ev: Evaluator): { provider: string; model: string } {
    if (isDemoJudgeUrl(ev.judge?.baseUrl)) return { provider: DEMO_JUDGE_PROVIDER, model: ev.judge?.model ?? DEMO_JUDGE_MODEL };
    return { provider: this.config.provider, model: ev.judge?.model ?? this.config.model };
  }

  private count(outcome: string): void {
    this.deps.metrics.evaluations.inc({ kind: KIND, outcome });
  }

  private budgetSkip(projectId: string, nowMs: number): void {
    this.count('budget_reached');
    if (!this.budget.announce(projectId, nowMs)) return;
    const day = new Date(nowMs).toISOString().slice(0, 10);
    const reason = `the judge budget of $${this.budget.dailyBudgetUsd} for ${day} (UTC) is reached ($${this.budget.spentUsd(projectId, nowMs).toFixed(4)} spent): no trace is sampled for judging until the next UTC day`;
    this.deps.logger.warn({ event: 'judge_budget_reached', projectId, day }, reason);
    const log = evaluationEvent(projectId, 'budget_reached', { reason, key: `${projectId}\u0000${day}` }, nowMs);
    void this.submit({ spans: [], scores: [], logs: [log] }).catch((err) => this.deps.logger.warn({ err }, 'could not record the judge budget event'));
  }

  private submit(batch: WriteBatch): Promise<WriteResult> {
    return this.deps.pipeline.submit(batch, JUDGE_INGEST_SOURCE);
  }

  // Starts what the limits allow, then sleeps until the next job is due or may start.
  private kick(): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const nowMs = this.now();
    while (this.queue.inFlight < this.config.concurrency && nowMs >= this.nextStartMs) {
      const [job] = this.queue.takeDue(nowMs, 1);
      if (!job) break;
      // The demo judge costs nothing and answers at once: its calls do not use up the rate.
      if (!this.isDemoJob(job)) this.nextStartMs = Math.max(nowMs, this.nextStartMs) + this.intervalMs;
      const p: Promise<void> = this.process(job)
        .catch((err) => {
          this.deps.logger.error({ err, event: 'judge_job_failed' }, 'judging a trace failed unexpectedly; it is tried again later');
          this.queue.later(job, this.now() + STORE_RETRY_MS);
        })
        .finally(() => {
          this.inFlight.delete(p);
          this.deps.metrics.judgeQueueDepth.set(this.queue.depth);
          this.kick();
        });
      this.inFlight.add(p);
    }
    if (this.queue.inFlight >= this.config.concurrency) return; // a finishing job kicks again
    const due = this.queue.nextDueMs();
    if (due === null) return;
    this.timer = setTimeout(() => this.kick(), Math.max(0, Math.max(due, this.nextStartMs) - nowMs));
    this.timer.unref();
  }

  private isDemoJob(job: JudgeJob): boolean {
    const ev = this.deps.evaluators.evaluatorsOf(job.projectId).find((e) => e.id === job.evaluatorId);
    return ev !== undefined && isDemoJudgeUrl(ev.judge?.baseUrl);
  }

  private async process(job: JudgeJob): Promise<void> {
    const ev = this.deps.evaluators.evaluatorsOf(job.projectId).find((e) => e.id === job.evaluatorId);
    if (!ev || ev.kind !== 'llm_judge' || !ev.enabled) {
      this.count('not_applicable'); // the evaluator was removed or disabled meanwhile
      this.queue.finish(job);
      return;
    }
    const nowMs = this.now();
    if (this.budget.reached(job.projectId, nowMs)) {
      this.budgetSkip(job.projectId, nowMs);
      this.queue.finish(job);
      return;
    }
    let trace;
    try {
      if (this.deps.pipeline.loadedSeq < (job.seq ?? 0)) await this.deps.pipeline.caughtUp();
      trace = await this.deps.store.getTrace(toProjectId(job.projectId), job.traceId, MAX_TRACE_SPANS);
      // A job read back from the queue file carries no sequence number of this run: its trace may
      // still be waiting in the journal.
      if (trace.spans.length === 0) {
        await this.deps.pipeline.caughtUp();
        trace = await this.deps.store.getTrace(toProjectId(job.projectId), job.traceId, MAX_TRACE_SPANS);
      }
    } catch (err) {
      this.deps.logger.warn({ err, event: 'judge_trace_unreadable' }, 'could not read a sampled trace; it is tried again later');
      this.queue.later(job, this.now() + STORE_RETRY_MS);
      return;
    }
    // Judged before (a restart after the score was acknowledged but before the queue was written).
    const version = templateFor(ev.criterion as JudgeCriterion, ev.judge?.template)?.version;
    if (version && trace.scores.some((s) => s.id === judgeScoreId(ev.id, job.traceId, version))) {
      this.count('duplicate');
      this.queue.finish(job);
      return;
    }
    const run = await runJudge(ev, trace.spans, this.endpointOf(ev), { timeoutMs: this.config.timeoutMs, now: this.now });
    await this.record(job, ev, run, traceEndMs(trace.spans));
  }

  private async record(job: JudgeJob, ev: Evaluator, run: JudgeRun, subjectEndMs: number | null): Promise<void> {
    // Its trace or project was erased during the call: nothing of it is recorded.
    if (!this.queue.holds(job)) {
      this.queue.finish(job);
      return;
    }
    const version = run.templateVersion ?? 'none';
    // Numbered across retries so each call made is its own span.
    const spans = run.calls.map((call, i) => judgeSpan(job.projectId, ev, job.traceId, version, call, this.spanModel(ev), job.attempts * 2 + i));
    // Priced here as the chain will price them (same pricer), so the score carries the cost and
    // goes into the same journal write as the spans.
    const costUsd = costUsdOf(spans.map((s) => ({ ...s, cost: this.deps.pricer.price(s) })));
    const nowMs = this.now();
    if (run.outcome === 'scored') {
      const judgeTrace = spans.at(-1)!;
      const demo = run.calls.some((c) => c.answer?.demo);
      const score = judgeScore(job.projectId, ev, { traceId: job.traceId, span: run.span, endMs: subjectEndMs }, version, run.judgement!, { traceId: judgeTrace.traceId, costUsd, model: this.spanModel(ev).model, demo }, nowMs);
      await this.submit({ spans, scores: [score], logs: [] });
      this.count('scored');
      this.queue.finish(job);
      return;
    }
    if (run.outcome === 'not_applicable') {
      this.count('not_applicable');
      this.queue.finish(job);
      return;
    }
    if (spans.length) await this.submit({ spans, scores: [], logs: [] });
    const err = run.callError;
    if (err?.retryable && job.attempts + 1 < MAX_CALL_ATTEMPTS) {
      const waitMs = err.retryAfterMs ?? backoffMs(job.attempts + 1);
      // A 429 slows every call to this judge, not only this trace's.
      if (err.kind === 'rate_limited') this.nextStartMs = Math.max(this.nextStartMs, nowMs + waitMs);
      this.count('retried');
      this.queue.later(job, nowMs + waitMs);
      return;
    }
    const reason = err?.retryable ? `${run.reason} (after ${MAX_CALL_ATTEMPTS} attempts)` : (run.reason ?? 'the judge gave no judgement');
    const log: LogRecord = evaluationEvent(job.projectId, 'failed', { evaluatorId: ev.id, traceId: job.traceId, reason, key: `${jobKey(job)}\u0000${version}` }, nowMs);
    await this.submit({ spans: [], scores: [], logs: [log] });
    this.count('failed');
    this.queue.finish(job);
  }
}
