import { APPLICATION_SPANS_SQL } from '../evaluation-scope.ts';
import type { Ch } from './client.ts';
import type { ChDocuments } from './documents.ts';
import { nextVersion } from './version.ts';

// Per-hour call totals (table call_hours): for every closed hour, per project and (model,
// provider, kind, status), the calls, known and unknown costs and token buckets. A long-range
// query that only sums, by those dimensions, reads its whole hours here and only the partial
// hours at its ends from the spans (analytics.ts); the answer is the same, the scan much smaller.
//
// Not a materialized view: a span is inserted again as a new version whenever it changes
// (re-pricing, attribution fill, a replayed batch), and a view would count every version. The
// hours are summed instead from `spans FINAL` once they are over by an hour, by one node at a time
// (a lease), and summed again when later spans or new costs change them: writers mark such hours
// dirty (call_hours_dirty) before and after they write, and a query whose range holds a dirty
// hour reads the spans.
//
// The tables are full copies on every shard, each step written to all of them before the next
// (rows, then summed_until; rows, then the dirty mark's removal), so a query that reads the
// state on one shard and the totals on another still sees rows for every summed, clean hour.
//
// Retention (retention.ts) deletes a project's old spans and keeps their hours' totals: those
// hours become retained for the project (call_hours_retained), and summing one again (another
// project's late span made it dirty) leaves the project's rows alone.

export const HOUR_S = 3600;
// Hours summed per statement, so a first build over months goes in bounded steps.
const CHUNK_HOURS = 24;
// Dirty hours summed again per statement.
const DIRTY_BATCH_HOURS = 24;
// Reading a few hours from the spans is cheap: below this many whole hours the totals are not used.
export const MIN_TOTAL_HOURS = 6;
// Writers mark hours that ended longer ago than this, and the refresher sums hours that ended an
// hour ago: the margin covers clocks a few minutes apart and a write in flight.
export const LATE_AFTER_S = 55 * 60;
const LEASE = 'hour-totals';
const LEASE_TTL_MS = 5 * 60_000;
const REFRESH_INTERVAL_MS = 60_000;

export const TOTAL_COLUMNS =
  'n, known_n, unknown_n, cost_nano, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, audio_tokens, total_tokens, priced_tokens';

// The spans matching `where` in call_hours' shape, the hour as `hour_start` (a DateTime): what
// the totals hold, and what a query sums for the partial hours at its range's ends. Summed under
// other names first: an alias named like a column would stand for it in the other aggregates.
// The judge's calls are not the application's spend and are never summed here (a query about
// them filters on their feature, which the totals cannot answer, so it reads the spans).
export function hourSumsSql(database: string, where: string): string {
  return `SELECT project_id, hour_start, model, provider, kind, status, ${TOTAL_COLUMNS.split(', ').map((c) => `s_${c} AS ${c}`).join(', ')}
    FROM (SELECT project_id, toDateTime(toStartOfHour(start_time), 'UTC') AS hour_start, model, provider, kind, status,
      count() AS s_n, count(cost_nano) AS s_known_n, countIf(cost_status = 'unknown_model') AS s_unknown_n, sum(cost_nano) AS s_cost_nano,
      sum(input_tokens) AS s_input_tokens, sum(output_tokens) AS s_output_tokens, sum(cache_read_tokens) AS s_cache_read_tokens,
      sum(cache_write_tokens) AS s_cache_write_tokens, sum(reasoning_tokens) AS s_reasoning_tokens, sum(audio_tokens) AS s_audio_tokens,
      sum(total_tokens) AS s_total_tokens, sumIf(total_tokens, cost_nano IS NOT NULL) AS s_priced_tokens
    FROM ${database}.spans FINAL WHERE (${where}) AND ${APPLICATION_SPANS_SQL}
    GROUP BY project_id, hour_start, model, provider, kind, status)`;
}

type Row = Record<string, unknown>;
// A dirty mark: the hour's start in epoch seconds, and the mark's version.
type Mark = { hour: string | number; version: string };
const floorHour = (s: number) => Math.floor(s / HOUR_S) * HOUR_S;
const groupKey = (r: Row) => JSON.stringify([r.project_id, Number(r.hour), r.model, r.provider, r.kind, r.status]);

export class ChHourTotals {
  private readonly ch: Ch;
  private readonly documents: ChDocuments;
  private readonly nodeId: string;
  private running: Promise<boolean> = Promise.resolve(false);
  private timer: NodeJS.Timeout | null = null;

  constructor(ch: Ch, documents: ChDocuments, nodeId: string) {
    this.ch = ch;
    this.documents = documents;
    this.nodeId = nodeId;
  }

  private table(name: string): string {
    return `${this.ch.database}.${name}`;
  }

  // Refreshes every minute until stop(); a failed refresh leaves hours unsummed or dirty, which
  // queries read from the spans, and the next one tries again.
  start(): void {
    if (this.timer) return;
    let busy = false;
    this.timer = setInterval(() => {
      // A first build can take longer than the interval: ticks meanwhile are skipped, not queued.
      if (busy) return;
      busy = true;
      void this.refresh(Date.now())
        .catch(() => undefined)
        .finally(() => (busy = false));
    }, REFRESH_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running.catch(() => undefined);
  }

  // Sums the hours over by an hour at `nowMs` that are not summed yet, then the dirty ones again.
  // False when another node holds the lease (and does it). One refresh at a time per store.
  refresh(nowMs: number): Promise<boolean> {
    const run = this.running.catch(() => undefined).then(() => this.refreshNow(nowMs));
    this.running = run;
    return run;
  }

  private async refreshNow(nowMs: number): Promise<boolean> {
    if (!(await this.holdLease())) return false;
    const target = floorHour(Math.floor(nowMs / 1000)) - HOUR_S;
    // The marks as they are before any hour is summed: a mark of an hour this refresh sums for the
    // first time is met by that sum (its spans, or a newer mark, come after).
    const marks = await this.ch.queryControl<Mark>(`SELECT toUnixTimestamp(hour) AS hour, version FROM ${this.table('call_hours_dirty')} FINAL ORDER BY hour`);
    let until = await this.summedUntil();
    if (until === null) {
      const first = await this.ch.query<{ s: string | null }>(
        `SELECT if(count() = 0, NULL, toUnixTimestamp(min(start_time))) AS s FROM ${this.table('spans')}`,
      );
      const start = first[0]?.s === null || first[0]?.s === undefined ? target : floorHour(Number(first[0].s));
      until = Math.min(start, target);
      await this.setUntil(until);
    }
    const from = until;
    let leasedAtMs = Date.now();
    while (until < target) {
      let to = Math.min(target, until + CHUNK_HOURS * HOUR_S);
      const sums = await this.sums(`start_time >= toDateTime64({lo:UInt32}, 6, 'UTC') AND start_time < toDateTime64({hi:UInt32}, 6, 'UTC')`, { lo: until, hi: to });
      if (sums.length) {
        const version = nextVersion();
        await this.ch.insertEveryShard(this.table('call_hours'), sums.map((r) => ({ ...r, version })));
      } else {
        // Nothing in these hours: on to the hour of the next span.
        const next = await this.ch.query<{ s: string | null }>(
          `SELECT if(count() = 0, NULL, toUnixTimestamp(min(start_time))) AS s FROM ${this.table('spans')} WHERE start_time >= toDateTime64({from:UInt32}, 6, 'UTC')`,
          { from: to },
        );
        to = next[0]?.s === null || next[0]?.s === undefined ? target : Math.max(to, Math.min(target, floorHour(Number(next[0].s))));
      }
      await this.setUntil(to);
      until = to;
      if (Date.now() - leasedAtMs > LEASE_TTL_MS / 5) {
        if (!(await this.holdLease())) return true;
        leasedAtMs = Date.now();
      }
    }
    await this.resumDirty(marks.filter((m) => Number(m.hour) < from));
    await this.unmark(marks.filter((m) => Number(m.hour) >= from && Number(m.hour) < until));
    return true;
  }

  private holdLease(): Promise<boolean> {
    return this.documents.lease(LEASE, this.nodeId, LEASE_TTL_MS);
  }

  // Sums the marked hours again, then removes the marks.
  private async resumDirty(marks: Mark[]): Promise<void> {
    for (let i = 0; i < marks.length; i += DIRTY_BATCH_HOURS) {
      const batch = marks.slice(i, i + DIRTY_BATCH_HOURS);
      await this.resumHours(batch.map((m) => Number(m.hour)));
      await this.unmark(batch);
    }
  }

  // Sums these hours (epoch seconds of their starts) again from the spans as they are now, every
  // project's: after an erasure, so the totals no longer hold the erased spend. The caller marks
  // them before it deletes and after this (markLate), so a refresh that read the spans before the
  // delete and wrote after this cannot leave its stale sums unmarked.
  async resum(hourStarts: Iterable<number>): Promise<void> {
    const hours = [...new Set([...hourStarts].map(floorHour))].sort((a, b) => a - b);
    for (let i = 0; i < hours.length; i += DIRTY_BATCH_HOURS) await this.resumHours(hours.slice(i, i + DIRTY_BATCH_HOURS));
  }

  // Before spans older than `beforeS` are deleted: every hour before it summed and clean, so the
  // totals keep answering for them. False when another node holds the lease and has not got there
  // yet (the caller tries again later).
  async summedBefore(beforeS: number): Promise<boolean> {
    const ready = async () => {
      const until = await this.summedUntil();
      const dirty = await this.ch.queryControl<{ n: string }>(
        `SELECT count() AS n FROM ${this.table('call_hours_dirty')} FINAL WHERE hour < toDateTime({before:UInt32}, 'UTC')`,
        { before: floorHour(beforeS) },
      );
      return until !== null && until >= floorHour(beforeS) && Number(dirty[0]?.n ?? 0) === 0;
    };
    if (await ready()) return true;
    await this.refresh(Math.max(Date.now(), (floorHour(beforeS) + HOUR_S) * 1000));
    return ready();
  }

  // Per project, the start of the first hour whose spans are all still stored: hours before it keep
  // their totals as retention left them (schema.ts, call_hours_retained).
  async retainedHorizon(nowMs = Date.now()): Promise<(project: string) => number> {
    const rows = await this.ch.queryControl<{ project_id: string; until: string; trailing: string }>(
      `SELECT project_id, toUnixTimestamp(retained_until) AS until, trailing_s AS trailing FROM ${this.table('call_hours_retained')} FINAL`,
    );
    const byProject = new Map(rows.map((r) => [r.project_id, Number(r.until)]));
    const server = rows.find((r) => r.project_id === '*');
    const trailing = Number(server?.trailing ?? 0);
    // An hour any of whose spans the TTL may have deleted is retained as a whole.
    const backstop = Math.max(Number(server?.until ?? 0), trailing > 0 ? floorHour(Math.floor(nowMs / 1000) - trailing) + HOUR_S : 0);
    return (project) => Math.max(byProject.get(project) ?? 0, backstop);
  }

  // The project's hours before `untilS` (an hour start) become retained; never moves back.
  async retainBefore(project: string, untilS: number): Promise<void> {
    const current = (await this.retainedHorizon(0))(project);
    if (untilS <= current) return;
    await this.ch.insertEveryShard(this.table('call_hours_retained'), [{ project_id: project, retained_until: untilS, trailing_s: 0, version: nextVersion() }]);
  }

  // The server-wide backstop (the TTL's span retention, in seconds; 0: none).
  // What the old one retained stays retained (its spans may be gone already).
  async setTrailingRetention(trailingS: number): Promise<void> {
    const retainedUntil = (await this.retainedHorizon())('*');
    await this.ch.insertEveryShard(this.table('call_hours_retained'), [{ project_id: '*', retained_until: retainedUntil, trailing_s: trailingS, version: nextVersion() }]);
  }

  private async resumHours(hours: number[]): Promise<void> {
    if (!hours.length) return;
    const horizon = await this.retainedHorizon();
    const live = (r: Row) => Number(r.hour) >= horizon(String(r.project_id));
    const sums = await this.sums(
      `start_time >= toDateTime64({lo:UInt32}, 6, 'UTC') AND start_time < toDateTime64({hi:UInt32}, 6, 'UTC')
        AND has({hours:Array(UInt32)}, toUnixTimestamp(toStartOfHour(start_time)))`,
      { hours, lo: hours[0], hi: hours[hours.length - 1] + HOUR_S },
    );
    const fresh = new Set(sums.map(groupKey));
    // Groups the hours had and have no more (every call of a model re-priced to another status, say).
    const stale = await this.ch.queryControl<Row>(
      `SELECT project_id, toUnixTimestamp(hour) AS hour, model, provider, kind, status FROM ${this.table('call_hours')} FINAL
        WHERE has({hours:Array(UInt32)}, toUnixTimestamp(hour))`,
      { hours },
    );
    const version = nextVersion();
    const zero = { n: 0, known_n: 0, unknown_n: 0, cost_nano: null, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0, audio_tokens: 0, total_tokens: 0, priced_tokens: 0 };
    const rows = [
      ...sums.filter(live).map((r) => ({ ...r, version })),
      ...stale.filter((r) => live(r) && !fresh.has(groupKey(r))).map((r) => ({ ...r, ...zero, version, deleted: 1 })),
    ];
    await this.ch.insertEveryShard(this.table('call_hours'), rows);
  }

  // A mark's removal has the version the mark was read at: one made since is newer and stays.
  private async unmark(marks: Mark[]): Promise<void> {
    await this.ch.insertEveryShard(this.table('call_hours_dirty'), marks.map((m) => ({ hour: Number(m.hour), version: m.version, deleted: 1 })));
  }

  // The global sums of the spans matching `where` (read through the Distributed table on a cluster).
  private async sums(where: string, params: Record<string, unknown>): Promise<Row[]> {
    return this.ch.query<Row>(
      `SELECT project_id, toUnixTimestamp(hour_start) AS hour, model, provider, kind, status, ${TOTAL_COLUMNS}
       FROM (${hourSumsSql(this.ch.database, where)})`,
      params,
    );
  }

  async summedUntil(): Promise<number | null> {
    const rows = await this.ch.queryControl<{ s: string }>(`SELECT toUnixTimestamp(summed_until) AS s FROM ${this.table('call_hours_state')} FINAL WHERE id = 1`);
    return rows.length ? Number(rows[0].s) : null;
  }

  private async setUntil(s: number): Promise<void> {
    await this.ch.insertEveryShard(this.table('call_hours_state'), [{ id: 1, summed_until: s, version: nextVersion() }]);
  }

  // The whole hours of [fromMs, toMs) the totals can answer, in epoch ms, or null: too few, or
  // one of them is dirty. With a project, its retained hours (retention deleted their spans) are
  // answered from the totals whatever the range's length or the other hours' marks.
  async wholeHours(fromMs: number, toMs: number, project?: string): Promise<{ fromMs: number; toMs: number } | null> {
    const lo = Math.ceil(fromMs / 1000 / HOUR_S) * HOUR_S;
    const hi = floorHour(Math.floor(toMs / 1000));
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || hi > 0xffffffff || hi <= lo) return null;
    // Without a project, or on the spans' side of its retention mark, a short range reads the spans.
    if (project === undefined && hi - lo < MIN_TOTAL_HOURS * HOUR_S) return null;
    const rows = await this.ch.queryControl<{ until: string; dirty: string[]; retained: string }>(
      `SELECT (SELECT max(toUnixTimestamp(summed_until)) FROM ${this.table('call_hours_state')} FINAL) AS until,
              (SELECT groupArray(toUnixTimestamp(hour)) FROM ${this.table('call_hours_dirty')} FINAL
                WHERE hour >= toDateTime({lo:UInt32}, 'UTC') AND hour < toDateTime({hi:UInt32}, 'UTC')) AS dirty,
              (SELECT greatest(maxIf(toUnixTimestamp(retained_until), project_id IN ({project:String}, '*')),
                  maxIf(if(trailing_s > 0, toUnixTimestamp(toStartOfHour(now() - toIntervalSecond(trailing_s))) + ${HOUR_S}, 0), project_id = '*'))
                FROM ${this.table('call_hours_retained')} FINAL) AS retained`,
      { lo, hi, project: project ?? '' },
    );
    // Before it the project's totals are all there is: they answer however short the range, and a
    // dirty mark there (another project's late span) does not change them.
    const retained = project === undefined ? 0 : Number(rows[0]?.retained ?? 0);
    const end = Math.min(hi, Number(rows[0]?.until ?? 0));
    const dirty = (rows[0]?.dirty ?? []).some((h) => Number(h) >= retained && Number(h) < end);
    if (!dirty && end - lo >= MIN_TOTAL_HOURS * HOUR_S) return { fromMs: lo * 1000, toMs: end * 1000 };
    const retainedEnd = Math.min(end, retained);
    return retainedEnd > lo ? { fromMs: lo * 1000, toMs: retainedEnd * 1000 } : null;
  }

  // Before and after spans or costs of these hours (epoch seconds of their starts) are written:
  // the ones over long enough for the refresher to have summed them become dirty. Marking before
  // keeps queries off totals the write is about to change; marking after keeps a refresh that
  // summed the hour in between from clearing the only mark.
  async markLate(hourStarts: Iterable<number>, nowMs = Date.now()): Promise<void> {
    const late = Math.floor(nowMs / 1000) - LATE_AFTER_S;
    const hours = [...new Set([...hourStarts].map(floorHour))].filter((h) => h + HOUR_S < late && h >= 0);
    if (!hours.length) return;
    const version = nextVersion();
    await this.ch.insertEveryShard(this.table('call_hours_dirty'), hours.map((hour) => ({ hour, version, deleted: 0 })));
  }
}
