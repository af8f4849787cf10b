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

export const HOUR_US = 3_600_000_000;
// Hours summed per transaction, so that ingest is not held up for long by a first build.
const CHUNK_HOURS = 24;
// Reading a few hours from the spans is cheap: below this span the table is not used.
export const MIN_ROLLUP_SPAN_US = 6 * HOUR_US;

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

const floorHour = (us: number) => Math.floor(us / HOUR_US) * HOUR_US;

export class HourRollups {
  summedUntilUs = 0;
  readonly dirty = new Set<number>();
  private readonly db: DuckDb;

  private constructor(db: DuckDb) {
    this.db = db;
  }

  static async open(db: DuckDb): Promise<HourRollups> {
    const r = new HourRollups(db);
    const state = await db.writeAll('SELECT summed_until_us FROM call_hours_state WHERE id = 1');
    r.summedUntilUs = Number(state[0]?.summed_until_us ?? 0);
    for (const row of await db.writeAll('SELECT hour_us FROM call_hours_dirty')) r.dirty.add(Number(row.hour_us));
    return r;
  }

  // Whole hours of [fromUs, toUs) that the table can answer, or null (too few, or one is dirty).
  wholeHours(fromUs: number, toUs: number): { fromUs: number; toUs: number } | null {
    const lo = Math.ceil(fromUs / HOUR_US) * HOUR_US;
    const hi = Math.min(floorHour(toUs), this.summedUntilUs);
    if (hi - lo < MIN_ROLLUP_SPAN_US) return null;
    for (const h of this.dirty) if (h >= lo && h < hi) return null;
    return { fromUs: lo, toUs: hi };
  }

  // Inside the transaction that loads spans (whose start times are in `files`' start_us): the
  // summed hours they fall in become dirty.
  async markLate(files: string, windowUs: [number, number]): Promise<void> {
    if (windowUs[0] >= this.summedUntilUs) return;
    const rows = await this.db.writeAll(
      `SELECT DISTINCT (start_us // ${HOUR_US}) * ${HOUR_US} AS hour_us FROM read_json(${files}, format = 'newline_delimited', columns = {start_us: 'BIGINT'})
       WHERE start_us < $until`,
      { until: this.summedUntilUs },
    );
    for (const r of rows) {
      await this.db.run('INSERT OR IGNORE INTO call_hours_dirty VALUES ($h)', { h: Number(r.hour_us) });
      this.dirty.add(Number(r.hour_us));
    }
  }

  // Inside a transaction that changes stored costs: everything is summed again.
  async invalidate(): Promise<void> {
    await this.db.run('DELETE FROM call_hours');
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
        await this.db.run(`INSERT INTO call_hours BY NAME ${hourSumsSql(`start_time >= make_timestamp(${from}) AND start_time < make_timestamp(${to})`)}`);
        await this.setUntil(to);
      });
      // Queries use the new hours only once they are committed.
      this.summedUntilUs = to;
    }
    for (const hour of [...this.dirty]) {
      await this.db.transaction(async () => {
        await this.db.run('DELETE FROM call_hours WHERE hour = make_timestamp($h)', { h: hour });
        await this.db.run(`INSERT INTO call_hours BY NAME ${hourSumsSql(`start_time >= make_timestamp(${hour}) AND start_time < make_timestamp(${hour + HOUR_US})`)}`);
        await this.db.run('DELETE FROM call_hours_dirty WHERE hour_us = $h', { h: hour });
      });
      this.dirty.delete(hour);
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
