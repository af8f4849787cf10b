import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { fetch as undiciFetch, type Agent } from 'undici';
import { Counter, Gauge, type Registry } from 'prom-client';
import { matchesAll, parseMatcher, type Matcher } from '../engine/silences.ts';
import { DEFAULT_PROJECT } from '../../store/store.ts';
import { HOUR_MS, MINUTE_MS, SECOND_MS, tryParseDuration } from '../../domain/time.ts';
import type { Alert, AlertSink } from '../types.ts';
import { receiverType, type NotificationsConfig, type ReceiverConfig, type ReceiverType, type RouteInput } from './config.ts';
import { alertmanagerRequest, pagerDutyRequests, slackRequest, webhookRequest, type Notification, type OutboundRequest } from './payloads.ts';
import { OutboundGuard, OutboundRefusedError, type Lookup } from './ssrf.ts';
import { METRIC } from '../../metrics/names.ts';

// F4: from "these alerts are firing or just resolved" (the engine, after every evaluation) to
// requests at the receivers. Routing and grouping as in Alertmanager:
//   - a new group waits `groupWait` before its first notification (alerts arriving together go
//     out together);
//   - a changed group (an alert added or resolved) is notified again after `groupInterval`;
//   - an unchanged firing group is re-sent every `repeatInterval`;
//   - a group whose alerts all resolved sends one resolved notification and is forgotten.
// Silenced alerts go nowhere; inhibited ones are not sent to webhook, Slack or PagerDuty but are
// to an Alertmanager receiver, which applies its own inhibition (and is re-sent every firing alert
// each `resendInterval`, as Prometheus does). Every group is per project.
//
// Sending never blocks `update()`: requests run in the background, at most MAX_IN_FLIGHT at a
// time, from a bounded queue (what does not fit is dropped and counted), each attempt with a
// timeout, retried with exponential back-off on network errors, 429 and 5xx.

const MAX_IN_FLIGHT = 16;
// A receiver that hangs holds at most this many of the slots, so the others keep theirs.
const MAX_IN_FLIGHT_PER_RECEIVER = 4;
const MAX_QUEUED = 1_000;
const MAX_DELIVERIES = 1_000;
const MAX_BACKOFF_MS = 30_000;
const TICK_MS = 1_000;
const DEFAULTS = { groupBy: ['alertname'], groupWaitMs: 30 * SECOND_MS, groupIntervalMs: 5 * MINUTE_MS, repeatIntervalMs: 4 * HOUR_MS };

export interface DeliveryRecord {
  id: string;
  atMs: number;
  projectId: string;
  receiver: string;
  type: ReceiverType;
  groupKey: string;
  status: 'firing' | 'resolved';
  alerts: number;
  fingerprints: string[];
  attempts: number;
  ok: boolean;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

interface Route {
  receiver: string;
  matchers: Matcher[];
  groupBy: string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  continue: boolean;
  routes: Route[];
  id: string;
  // Whether this route or one above it has a matcher on `project`.
  scopedToProjects: boolean;
}

interface Group {
  key: string;
  route: Route;
  receiver: ReceiverConfig;
  projectId: string;
  labels: Record<string, string>;
  alerts: Map<string, Alert>;
  createdMs: number;
  lastSentMs: number | null;
  sentFiring: Set<string>; // fingerprints firing at the last notification
}

function buildRoute(input: RouteInput, parent: Omit<Route, 'routes' | 'matchers' | 'continue' | 'id' | 'scopedToProjects'> | null, id: string, parentScoped = false): Route {
  const ms = (v: string | undefined, fallback: number) => (v === undefined ? fallback : (tryParseDuration(v) ?? fallback));
  const inherited = parent ?? { receiver: '', ...DEFAULTS };
  const matchers = Array.isArray(input.matchers)
    ? input.matchers.map(parseMatcher)
    : Object.entries(input.matchers ?? {}).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
  const own = {
    receiver: input.receiver ?? inherited.receiver,
    groupBy: input.groupBy ?? inherited.groupBy,
    groupWaitMs: ms(input.groupWait, inherited.groupWaitMs),
    groupIntervalMs: ms(input.groupInterval, inherited.groupIntervalMs),
    repeatIntervalMs: ms(input.repeatInterval, inherited.repeatIntervalMs),
  };
  const scopedToProjects = parentScoped || matchers.some((m) => m.name === 'project');
  return {
    ...own,
    matchers,
    continue: input.continue ?? false,
    id,
    scopedToProjects,
    routes: (input.routes ?? []).map((r, i) => buildRoute(r, own, `${id}.${i}`, scopedToProjects)),
  };
}

// The routes an alert ends at: the deepest matching ones, Alertmanager's way. Every label but
// `project` can be chosen by the project whose rule fired (its rules' labels and names, the
// values its data carries into groupBy dimensions), so an alert of any project but the default
// (the operator's) enters only routes that match on `project`, themselves or through a route
// above, and routes without matchers: no label it carries can steer it to a receiver the
// operator meant for someone else. Where no such route takes it, the root's receiver does.
function routesFor(route: Route, labels: Record<string, string>, projectId: string): Route[] {
  const out: Route[] = [];
  for (const child of route.routes) {
    if (projectId !== DEFAULT_PROJECT && !child.scopedToProjects && child.matchers.length > 0) continue;
    if (!matchesAll(child.matchers, labels)) continue;
    out.push(...routesFor(child, labels, projectId));
    if (!child.continue) break;
  }
  return out.length ? out : [route];
}

// Registers the series on `registry`, or returns those already there (one registry may serve
// several dispatchers, e.g. after a configuration reload).
export function registerNotificationMetrics(registry: Registry) {
  const existing = <T>(name: string) => registry.getSingleMetric(name) as T | undefined;
  return {
    sent:
      existing<Counter<'receiver_type' | 'outcome'>>(METRIC.alertNotifications) ??
      new Counter({
        name: METRIC.alertNotifications,
        help: 'Notifications sent to receivers, by receiver type and outcome (ok, failed, refused).',
        labelNames: ['receiver_type', 'outcome'],
        registers: [registry],
      }),
    dropped:
      existing<Counter>(METRIC.alertNotificationQueueDropped) ??
      new Counter({ name: METRIC.alertNotificationQueueDropped, help: 'Notifications dropped because the send queue was full.', registers: [registry] }),
    queued:
      existing<Gauge>(METRIC.alertNotificationQueueDepth) ??
      new Gauge({ name: METRIC.alertNotificationQueueDepth, help: 'Notifications waiting to be sent.', registers: [registry] }),
  };
}

interface Job {
  receiver: ReceiverConfig;
  projectId: string;
  groupKey: string;
  status: 'firing' | 'resolved';
  alerts: number;
  requests: OutboundRequest[];
}

export interface DispatcherDeps {
  now?: () => number;
  fetch?: typeof undiciFetch;
  lookup?: Lookup;
  logger?: Logger;
  registry?: Registry;
  // Back-off before retry n (1, 2, ...) is retryBaseMs × 2^(n-1), jittered, at most 30 s.
  retryBaseMs?: number;
}

// Retry-After is a number of seconds or an HTTP date.
export function retryAfterMsOf(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) > 0 ? Number(text) * 1000 : null;
  const atMs = Date.parse(text);
  return Number.isFinite(atMs) && atMs > nowMs ? atMs - nowMs : null;
}

export class Dispatcher implements AlertSink {
  private readonly config: NotificationsConfig;
  private readonly root: Route | null;
  private readonly receivers: Map<string, ReceiverConfig>;
  private readonly guard: OutboundGuard;
  private readonly now: () => number;
  private readonly fetchFn: typeof undiciFetch;
  // Every request goes through this agent: names are resolved once, at connect, and only to
  // addresses the guard accepts. Made on first use, closed by stop().
  private agent: Agent | null = null;
  private readonly logger: Logger | undefined;
  private readonly timeoutMs: number;
  private readonly retryBaseMs: number;
  private readonly groups = new Map<string, Group>();
  // Alertmanager receivers: what was last sent, and when.
  private readonly amState = new Map<string, { sentMs: number; signature: string }>();
  private readonly queue: Job[] = [];
  private inFlight = 0;
  private readonly inFlightByReceiver = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly ring: DeliveryRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private latest: readonly Alert[] = [];
  private readonly metrics: ReturnType<typeof registerNotificationMetrics> | null;

  constructor(config: NotificationsConfig, deps: DispatcherDeps = {}) {
    this.config = config;
    this.receivers = new Map(config.receivers.map((r) => [r.name, r]));
    this.root = config.route ? buildRoute(config.route, null, 'root') : null;
    this.guard = new OutboundGuard(config.allowedHosts, deps.lookup);
    this.now = deps.now ?? Date.now;
    this.fetchFn = deps.fetch ?? undiciFetch;
    this.logger = deps.logger;
    this.timeoutMs = tryParseDuration(config.timeout) ?? 5_000;
    this.retryBaseMs = deps.retryBaseMs ?? 1_000;
    this.metrics = deps.registry ? registerNotificationMetrics(deps.registry) : null;
  }

  get enabled(): boolean {
    return this.root !== null;
  }

  start(): void {
    if (this.timer || !this.root) return;
    this.timer = setInterval(() => this.flush(this.now()), TICK_MS);
    this.timer.unref();
  }

  // Stops the timer and waits (at most `waitMs`) for requests under way.
  async stop(waitMs = 5_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const deadline = Date.now() + waitMs;
    // Jobs still queued start as running ones finish: wait for those too, up to the bound.
    while (this.running.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => setTimeout(r, deadline - Date.now()).unref())]);
    }
    const agent = this.agent;
    this.agent = null;
    if (agent && this.running.size === 0) await agent.close().catch(() => agent.destroy());
  }

  deliveries(options: { projectId?: string; receiver?: string; limit?: number } = {}): DeliveryRecord[] {
    const out: DeliveryRecord[] = [];
    for (let i = this.ring.length - 1; i >= 0 && out.length < (options.limit ?? 100); i--) {
      const d = this.ring[i];
      if (options.projectId !== undefined && d.projectId !== options.projectId) continue;
      if (options.receiver !== undefined && d.receiver !== options.receiver) continue;
      out.push(d);
    }
    return out;
  }

  update(alerts: readonly Alert[], nowMs: number): void {
    if (!this.root) return;
    this.latest = alerts;
    const present = new Set<string>();
    for (const a of alerts) {
      if (a.silencedBy.length) continue;
      for (const route of routesFor(this.root, a.labels, a.projectId)) {
        const receiver = this.receivers.get(route.receiver);
        if (!receiver || receiver.alertmanager) continue;
        if (a.inhibitedBy.length) continue;
        const labels: Record<string, string> = { project: a.projectId };
        const all = route.groupBy.includes('...');
        for (const name of all ? Object.keys(a.labels) : route.groupBy) labels[name] = a.labels[name] ?? '';
        const key = JSON.stringify([route.id, route.receiver, Object.entries(labels).sort()]);
        let group = this.groups.get(key);
        if (!group) {
          if (a.state !== 'firing') continue; // resolved before this group was ever notified
          group = { key, route, receiver, projectId: a.projectId, labels, alerts: new Map(), createdMs: nowMs, lastSentMs: null, sentFiring: new Set() };
          this.groups.set(key, group);
        }
        group.alerts.set(a.fingerprint, a);
        present.add(`${key}\u0000${a.fingerprint}`);
      }
    }
    // Alerts no longer passed on (silenced or inhibited since, or long resolved) leave their
    // groups quietly, except a resolved one the group has not yet announced: the engine stops
    // passing resolved alerts after a while, which may be before the group's next notification.
    for (const group of this.groups.values()) {
      for (const [fp, a] of group.alerts) {
        if (present.has(`${group.key}\u0000${fp}`)) continue;
        if (a.state === 'resolved' && group.sentFiring.has(fp)) continue;
        group.alerts.delete(fp);
      }
    }
    this.flush(nowMs);
  }

  flush(nowMs: number): void {
    if (!this.root) return;
    for (const [key, g] of this.groups) {
      const firing = [...g.alerts.values()].filter((a) => a.state === 'firing');
      const newlyResolved = [...g.alerts.values()].filter((a) => a.state === 'resolved' && g.sentFiring.has(a.fingerprint));
      if (!firing.length && !newlyResolved.length) {
        this.groups.delete(key);
        continue;
      }
      let due: number;
      if (g.lastSentMs === null) due = g.createdMs + g.route.groupWaitMs;
      else {
        const changed = newlyResolved.length > 0 || firing.some((a) => !g.sentFiring.has(a.fingerprint));
        due = g.lastSentMs + (changed ? g.route.groupIntervalMs : g.route.repeatIntervalMs);
      }
      if (nowMs < due) continue;
      const alerts = [...firing, ...newlyResolved];
      this.enqueue(g.receiver, g.projectId, key, { receiver: g.receiver.name, groupKey: key, groupLabels: g.labels, alerts }, nowMs);
      g.lastSentMs = nowMs;
      g.sentFiring = new Set(firing.map((a) => a.fingerprint));
      for (const a of newlyResolved) g.alerts.delete(a.fingerprint);
      if (!firing.length) this.groups.delete(key);
    }
    this.flushAlertmanagers(nowMs);
  }

  private flushAlertmanagers(nowMs: number): void {
    const byReceiver = new Map<string, Alert[]>();
    for (const a of this.latest) {
      if (a.silencedBy.length) continue;
      for (const route of routesFor(this.root!, a.labels, a.projectId)) {
        const receiver = this.receivers.get(route.receiver);
        if (!receiver?.alertmanager) continue;
        const list = byReceiver.get(receiver.name) ?? [];
        if (!list.includes(a)) list.push(a);
        byReceiver.set(receiver.name, list);
      }
    }
    for (const [name, alerts] of byReceiver) {
      const receiver = this.receivers.get(name)!;
      const resendMs = tryParseDuration(receiver.alertmanager!.resendInterval) ?? MINUTE_MS;
      const signature = alerts.map((a) => `${a.fingerprint}:${a.state}`).sort().join(',');
      const last = this.amState.get(name);
      if (last && last.signature === signature && nowMs - last.sentMs < resendMs) continue;
      this.amState.set(name, { sentMs: nowMs, signature });
      const byProject = new Map<string, Alert[]>();
      for (const a of alerts) byProject.set(a.projectId, [...(byProject.get(a.projectId) ?? []), a]);
      for (const [projectId, list] of byProject) {
        const status = list.some((a) => a.state === 'firing') ? 'firing' : 'resolved';
        this.queueJob({ receiver, projectId, groupKey: `alertmanager:${name}:${projectId}`, status, alerts: list.length, requests: [alertmanagerRequest(receiver, list, nowMs, resendMs)] });
      }
    }
  }

  private enqueue(receiver: ReceiverConfig, projectId: string, groupKey: string, n: Notification, nowMs: number): void {
    const status = n.alerts.some((a) => a.state === 'firing') ? 'firing' : 'resolved';
    let requests: OutboundRequest[];
    switch (receiverType(receiver)) {
      case 'webhook':
        requests = [webhookRequest(receiver, n, nowMs)];
        break;
      case 'slack':
        requests = [slackRequest(receiver, n)];
        break;
      case 'pagerduty':
        requests = pagerDutyRequests(receiver, n);
        break;
      default:
        return;
    }
    this.queueJob({ receiver, projectId, groupKey, status, alerts: n.alerts.length, requests });
  }

  private queueJob(job: Job): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.metrics?.dropped.inc();
      this.logger?.warn({ receiver: job.receiver.name }, 'notification queue full; notification dropped');
      return;
    }
    this.queue.push(job);
    this.metrics?.queued.set(this.queue.length);
    this.pump();
  }

  private pump(): void {
    for (let i = 0; i < this.queue.length && this.inFlight < MAX_IN_FLIGHT; ) {
      const name = this.queue[i].receiver.name;
      const busy = this.inFlightByReceiver.get(name) ?? 0;
      if (busy >= MAX_IN_FLIGHT_PER_RECEIVER) {
        i++;
        continue;
      }
      const [job] = this.queue.splice(i, 1);
      this.metrics?.queued.set(this.queue.length);
      this.inFlight++;
      this.inFlightByReceiver.set(name, busy + 1);
      const run = this.runJob(job)
        .catch((err: unknown) => this.logger?.error({ err, receiver: name }, 'notification job failed'))
        .finally(() => {
          this.inFlight--;
          const left = (this.inFlightByReceiver.get(name) ?? 1) - 1;
          if (left > 0) this.inFlightByReceiver.set(name, left);
          else this.inFlightByReceiver.delete(name);
          this.running.delete(run);
          this.pump();
        });
      this.running.add(run);
    }
  }

  private async runJob(job: Job): Promise<void> {
    for (const request of job.requests) {
      const started = this.now();
      const t0 = performance.now();
      const result = await this.send(request);
      const record: DeliveryRecord = {
        id: randomUUID(),
        atMs: started,
        projectId: job.projectId,
        receiver: job.receiver.name,
        type: receiverType(job.receiver),
        groupKey: job.groupKey,
        status: job.status,
        alerts: request.fingerprints.length,
        fingerprints: request.fingerprints,
        attempts: result.attempts,
        ok: result.ok,
        httpStatus: result.httpStatus,
        error: result.error,
        durationMs: Math.round(performance.now() - t0),
      };
      this.ring.push(record);
      if (this.ring.length > MAX_DELIVERIES) this.ring.shift();
      this.metrics?.sent.inc({ receiver_type: record.type, outcome: result.refused ? 'refused' : result.ok ? 'ok' : 'failed' });
      // The record is read by the project's readers: its error names no address; the log has it.
      if (!result.ok) this.logger?.warn({ receiver: record.receiver, delivery: record.id, httpStatus: record.httpStatus, error: result.detail ?? record.error, attempts: record.attempts }, 'notification not delivered');
    }
  }

  private async send(request: OutboundRequest): Promise<{ ok: boolean; attempts: number; httpStatus: number | null; error: string | null; detail?: string; refused?: boolean }> {
    let attempts = 0;
    let httpStatus: number | null = null;
    let error: string | null = null;
    let detail: string | undefined;
    for (;;) {
      attempts++;
      let retryAfterMs: number | null = null;
      try {
        this.guard.precheck(request.url);
        const res = await this.fetchFn(request.url, {
          dispatcher: (this.agent ??= this.guard.agent({ connectTimeoutMs: this.timeoutMs })),
          method: 'POST',
          headers: request.headers,
          body: request.body,
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'error',
        });
        httpStatus = res.status;
        await res.body?.cancel().catch(() => undefined);
        if (res.ok) return { ok: true, attempts, httpStatus, error: null };
        error = `HTTP ${res.status}`;
        if (res.status !== 429 && res.status < 500) return { ok: false, attempts, httpStatus, error };
        retryAfterMs = retryAfterMsOf(res.headers.get('retry-after'), Date.now());
      } catch (err) {
        const refused = err instanceof OutboundRefusedError ? err : (err as { cause?: unknown }).cause instanceof OutboundRefusedError ? ((err as { cause: OutboundRefusedError }).cause) : null;
        if (refused) return { ok: false, attempts, httpStatus: null, error: refused.publicMessage, detail: refused.message, refused: true };
        httpStatus = null;
        const e = err as Error & { cause?: { code?: string; message?: string } };
        // A network error's text names the address connected to (connect ECONNREFUSED 10.1.2.3:443).
        const code = typeof e.cause?.code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(e.cause.code) ? e.cause.code : null;
        error = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (code ?? 'network error');
        detail = e.cause?.message ?? e.message;
      }
      if (attempts > this.config.retries) return { ok: false, attempts, httpStatus, error, detail };
      const backoff = Math.min(MAX_BACKOFF_MS, retryAfterMs ?? this.retryBaseMs * 2 ** (attempts - 1) * (0.75 + Math.random() / 2));
      await new Promise((r) => setTimeout(r, backoff).unref());
    }
  }
}
