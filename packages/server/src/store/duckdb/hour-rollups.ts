import { listValue } from '@duckdb/node-api';
import { APPLICATION_SPANS_SQL } from '../evaluation-scope.ts';
import type { DuckDb } from './db.ts';

// Hourly totals of calls (table call_hours): for every closed hour, per project and (model,
// provider, kind, status), the calls, known and unknown costs and the token buckets. A query
// over a long range whose measures are sums (or ratios of sums) and whose dimensions are among
// those four reads the whole hours here and only the partial hours at the range's ends from the
// spans (DuckDbAnalytics). The result is the same as from the spans; the table only saves the
// scan.
//
// Hours are summed once they are over by an hour (`summedUntilUs`, kept in call_hours_state).
// A span that arrives later for a summed hour (a backfill, a late retry) marks its hour dirty in
// the same transaction that stores it; dirty hours are summed again by the next refresh, and a
// query whose range holds one reads the spans instead. Re-pricing changes costs anywhere, so it
// empties the table, which is then summed again from the start.
//
// Retention deletes a project's old spans; their hours' totals are then all that is left of
// them. Below the project's mark (`retainedUntil`, table call_hours_retained) an hour's total is
// its rows in call_hours plus the spans still stored in it: retention moves each chunk of spans
// it deletes into call_hours in the same transaction, and a span arriving late for such an hour
// is simply stored. Summing again (dirty hours, re-pricing) never touches those hours, so the
// deleted spans' totals stay as they were priced.

export const HOUR_US = 3_600_000_000;
// Hours summed per transaction, so that ingest is not held up for long by a first build.
const CHUNK_HOURS = 24;
// Reading a few hours from the spans is cheap: below this span the table is not used.
export const MIN_ROLLUP_SPAN_US = 6 * HOUR_US;

// A row (`alias`, with project_id and the time column `time`) in an hour below its project's
// retention mark: summing again leaves it alone.
export function retainedSql(alias: string, time: string): string {
  return `EXISTS (SELECT 1 FROM call_hours_retained r WHERE r.project_id = ${alias}.project_id AND ${alias}.${time} < make_timestamp(r.until_us))`;
}

const SUMS = `count(*) AS n, count(cost_usd) AS known_n, count(*) FILTER (WHERE cost_status = 'unknown_model') AS unknown_n,
  sum(cost_usd) AS cost_usd, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
  sum(cache_read_tokens) AS cache_read_tokens, sum(cache_write_tokens) AS cache_write_tokens,
  sum(reasoning_tokens) AS reasoning_tokens, sum(audio_tokens) AS audio_tokens, sum(total_tokens) AS total_tokens,
  coalesce(sum(total_tokens) FILTER (WHERE cost_usd IS NOT NULL), 0) AS priced_tokens`;

// The spans of [loUs, hiUs) in call_hours' shape (partial hours included). Used to fill the
// table and, by queries, for the ends of a range. The judge's calls are not the application's
// spend and are never summed here; a query about them has a feature filter, which the totals
// cannot answer, so it reads the spans.
export function hourSumsSql(where: string): string {
  return `SELECT project_id, date_trunc('hour', start_time) AS hour, model, provider, kind, status, ${SUMS}
    FROM spans WHERE (${where}) AND ${APPLICATION_SPANS_SQL} GROUP BY ALL`;
}

export const floorHour = (us: number) => Math.floor(us / HOUR_US) * HOUR_US;
export const ceilHour = (us: number) => Math.ceil(us / HOUR_US) * HOUR_US;

export class HourRollups {
  summedUntilUs = 0;
  readonly dirty = new Set<number>();
  // Per project: the hour (µs) before which retention has deleted its spans.
  readonly retainedUntil = new Map<string, number>();
  private readonly db: DuckDb;

  private constructor(db: DuckDb) {
    this.db = db;
  }

  static async open(db: DuckDb): Promise<HourRollups> {
    const r = new HourRollups(db);
    const state = await db.writeAll('SELECT summed_until_us FROM call_hours_state WHERE id = 1');
    r.summedUntilUs = Number(state[0]?.summed_until_us ?? 0);
    for (const row of await db.writeAll('SELECT hour_us FROM call_hours_dirty')) r.dirty.add(Number(row.hour_us));
    for (const row of await db.writeAll('SELECT project_id, until_us FROM call_hours_retained')) r.retainedUntil.set(String(row.project_id), Number(row.until_us));
    return r;
  }

  // Whole hours of [fromUs, toUs) that the table can answer, or null (too few, or one is dirty).
  // A project's hours below its retention mark are always answered here (with the spans still
  // stored in them, see retainedUntilOf): the spans alone no longer can.
  wholeHours(fromUs: number, toUs: number, project?: string): { fromUs: number; toUs: number } | null {
    const retained = project === undefined ? 0 : this.retainedUntilOf(project);
    const lo = ceilHour(fromUs);
    const hi = Math.min(floorHour(toUs), Math.max(this.summedUntilUs, retained));
    if (hi <= lo || (hi - lo < MIN_ROLLUP_SPAN_US && lo >= retained)) return null;
    for (const h of this.dirty) if (h >= Math.max(lo, retained) && h < hi) return null;
    return { fromUs: lo, toUs: hi };
  }

  retainedUntilOf(project: string): number {
    return this.retainedUntil.get(project) ?? 0;
  }

  // Inside the transaction that loads spans (whose start times are the column start_us of the
  // table `spans`): the summed hours they fall in become dirty.
  async markLate(spans: string, windowUs: [number, number]): Promise<void> {
    if (windowUs[0] >= this.summedUntilUs) return;
    const rows = await this.db.writeAll(
      `SELECT DISTINCT (start_us // ${HOUR_US}) * ${HOUR_US} AS hour_us FROM ${spans}
       WHERE start_us < $until`,
      { until: this.summedUntilUs },
    );
    for (const r of rows) {
      await this.db.run('INSERT OR IGNORE INTO call_hours_dirty VALUES ($h)', { h: Number(r.hour_us) });
      this.dirty.add(Number(r.hour_us));
    }
  }

  // Inside the transaction that deletes spans starting at `startUs` (erasure): the summed hours
  // they were counted in become dirty. Returns those hours.
  async markErased(startUs: readonly number[]): Promise<Set<number>> {
    const hours = new Set(startUs.filter((us) => us < this.summedUntilUs).map(floorHour));
    if (!hours.size) return hours;
    await this.db.run('INSERT OR IGNORE INTO call_hours_dirty SELECT unnest($hours)', { hours: listValue([...hours].map(BigInt)) });
    for (const h of hours) this.dirty.add(h);
    return hours;
  }

  // In its own transaction: `project`'s hours before `untilUs` become retained. What refreshes
  // summed of the newly retained hours goes, as their spans are still stored and count from now
  // on until retention moves them in. A mark never moves back. Returns the mark in force.
  async retainBefore(project: string, untilUs: number): Promise<number> {
    const from = this.retainedUntilOf(project);
    if (untilUs <= from) return from;
    await this.db.transaction(async () => {
      await this.db.run('DELETE FROM call_hours WHERE project_id = $project AND hour >= make_timestamp($from) AND hour < make_timestamp($until)', { project, from, until: untilUs });
      await this.db.run('INSERT OR REPLACE INTO call_hours_retained VALUES ($project, $until)', { project, until: untilUs });
    });
    this.retainedUntil.set(project, untilUs);
    return untilUs;
  }

  // Inside a transaction that deleted every span and hourly total of `project`.
  async forgetProject(project: string): Promise<void> {
    await this.db.run('DELETE FROM call_hours_retained WHERE project_id = $project', { project });
    this.retainedUntil.delete(project);
  }

  // Inside a transaction that changes stored costs: everything is summed again, but the retained
  // hours, whose spans are gone.
  async invalidate(): Promise<void> {
    await this.db.run(`DELETE FROM call_hours WHERE NOT ${retainedSql('call_hours', 'hour')}`);
    await this.db.run('DELETE FROM call_hours_dirty');
    await this.db.run('UPDATE call_hours_state SET summed_until_us = 0 WHERE id = 1');
    this.summedUntilUs = 0;
    this.dirty.clear();
  }

  // Sums the hours that have closed since the last refresh (from the first span, the first time)
  // and the dirty ones again. Each chunk is its own write transaction.
  async refresh(nowMs: number): Promise<void> {
    const target = floorHour(nowMs * 1000) - HOUR_US;
    if (this.summedUntilUs === 0) {
      const first = await this.db.all('SELECT epoch_us(min(start_time)) AS us FROM spans');
      const start = first[0]?.us === null || first[0]?.us === undefined ? target : floorHour(Number(first[0].us));
      const until = Math.min(start, target);
      await this.db.transaction(() => this.setUntil(until));
      this.summedUntilUs = until;
    }
    while (this.summedUntilUs < target) {
      const from = this.summedUntilUs;
      const to = Math.min(target, from + CHUNK_HOURS * HOUR_US);
      await this.db.transaction(async () => {
        await this.db.run(`INSERT INTO call_hours BY NAME ${hourSumsSql(`start_time >= make_timestamp(${from}) AND start_time < make_timestamp(${to}) AND NOT ${retainedSql('spans', 'start_time')}`)}`);
        await this.setUntil(to);
      });
      // Queries use the new hours only once they are committed.
      this.summedUntilUs = to;
    }
    await this.sumDirty();
  }

  // Sums the dirty hours again, those within CHUNK_HOURS of each other in one transaction (an
  // erasure can leave thousands).
  async sumDirty(): Promise<void> {
    const sorted = [...this.dirty].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; ) {
      let j = i + 1;
      while (j < sorted.length && sorted[j] - sorted[i] < CHUNK_HOURS * HOUR_US) j++;
      const group = sorted.slice(i, j);
      const [from, to] = [group[0], group[group.length - 1] + HOUR_US];
      const params = { hours: listValue(group.map(BigInt)) };
      const inGroup = (time: string) => `${time} >= make_timestamp(${from}) AND ${time} < make_timestamp(${to}) AND epoch_us(date_trunc('hour', ${time})) IN (SELECT unnest($hours))`;
      await this.db.transaction(async () => {
        await this.db.run(`DELETE FROM call_hours WHERE ${inGroup('hour')} AND NOT ${retainedSql('call_hours', 'hour')}`, params);
        await this.db.run(`INSERT INTO call_hours BY NAME ${hourSumsSql(`${inGroup('start_time')} AND NOT ${retainedSql('spans', 'start_time')}`)}`, params);
        await this.db.run('DELETE FROM call_hours_dirty WHERE hour_us IN (SELECT unnest($hours))', params);
      });
      for (const h of group) this.dirty.delete(h);
      i = j;
    }
  }

  // Whether a refresh has work to do at `nowMs`.
  due(nowMs: number): boolean {
    return this.dirty.size > 0 || this.summedUntilUs < floorHour(nowMs * 1000) - HOUR_US;
  }

  private async setUntil(us: number): Promise<void> {
    await this.db.run('UPDATE call_hours_state SET summed_until_us = $u WHERE id = 1', { u: us });
  }
}
