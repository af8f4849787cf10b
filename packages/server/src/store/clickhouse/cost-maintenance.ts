import { TupleParam } from '@clickhouse/client';
import type { SpanRecord } from '../../domain/span.ts';
import { repriceSpans, type CostChange, type RepriceFilter, type RepriceOptions, type RepriceTarget } from '../reprice.ts';
import type { CostMaintenance, ProjectId, UnknownModel } from '../store.ts';
import type { Ch, Params } from './client.ts';
import { rowToSpan, SPAN_COLUMNS, type ChRow } from './rows.ts';
import { nextVersion } from './version.ts';
import type { ChHourTotals } from './hour-totals.ts';

// Costs after the fact. A re-priced span is written again whole with a newer version (the
// ReplacingMergeTree keeps the newest), into the same shard, hour and partition as before: none
// of the columns that place a row changes.

// Whole seconds (truncated), as DuckDB's strftime('%Y-%m-%dT%H:%M:%SZ').
function isoSeconds(ms: unknown): string {
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}Z`;
}

// Bound parameters travel in the URL, and ClickHouse refuses one longer than
// http_max_field_value_size (128 KiB by default): a chunk's identities are looked up this many
// at a time.
const IDS_PER_QUERY = 500;

function repriceWhere(filter: RepriceFilter): { where: string; params: Params } {
  const clauses = ["cost_status <> 'provider_reported'"];
  const params: Params = {};
  if (filter.onlyUnknown) clauses.push("cost_status = 'unknown_model'");
  if (filter.models) {
    clauses.push('has({models:Array(String)}, model)');
    params.models = filter.models;
  }
  return { where: clauses.join(' AND '), params };
}

export class ChCostMaintenance implements CostMaintenance {
  private readonly ch: Ch;
  private readonly hours: ChHourTotals;

  constructor(ch: Ch, hours: ChHourTotals) {
    this.ch = ch;
    this.hours = hours;
  }

  private get spans(): string {
    return `${this.ch.database}.spans`;
  }

  async listUnknownModels(project: ProjectId): Promise<UnknownModel[]> {
    const rows = await this.ch.query(
      `SELECT provider, model, count() AS calls, sum(total_tokens) AS tokens,
              toUnixTimestamp64Milli(min(start_time)) AS first_ms, toUnixTimestamp64Milli(max(start_time)) AS last_ms
         FROM ${this.spans} FINAL
        WHERE project_id = {project:String} AND cost_status = 'unknown_model'
        GROUP BY provider, model
        ORDER BY calls DESC, model ASC NULLS LAST`,
      { project },
    );
    return rows.map((r) => ({
      provider: r.provider === null ? null : String(r.provider),
      model: r.model === null ? null : String(r.model),
      calls: Number(r.calls),
      totalTokens: Number(r.tokens),
      firstSeen: isoSeconds(r.first_ms),
      lastSeen: isoSeconds(r.last_ms),
    }));
  }

  reprice(price: (span: SpanRecord) => SpanRecord['cost'], options: RepriceOptions): Promise<{ updated: number }> {
    return repriceSpans(this.target, price, options);
  }

  private readonly target: RepriceTarget = {
    countCandidates: async (filter) => {
      const { where, params } = repriceWhere(filter);
      return Number((await this.ch.query(`SELECT count() AS n FROM ${this.spans} FINAL WHERE ${where}`, params))[0].n);
    },
    candidatesAfter: async (filter, after, limit) => {
      const { where, params } = repriceWhere(filter);
      // Keyset pagination over the identity.
      const rows = await this.ch.query(
        `SELECT ${SPAN_COLUMNS} FROM ${this.spans} FINAL
          WHERE ${where} AND (project_id, trace_id, span_id) > ({ap:String}, {at:String}, {as:String})
          ORDER BY project_id, trace_id, span_id LIMIT {limit:UInt32}`,
        { ...params, ap: after?.projectId ?? '', at: after?.traceId ?? '', as: after?.spanId ?? '', limit: Math.trunc(limit) },
      );
      return rows.map(rowToSpan);
    },
    applyCosts: (changes) => this.applyCosts(changes),
  };

  // The current rows, as stored, with the new cost columns and a newer version. A row changed
  // since it was read as a candidate (its trace's attribution filled in) is read again here, so
  // that change is kept.
  private async applyCosts(changes: CostChange[]): Promise<void> {
    const key = (p: string, t: string, s: string) => `${p}\u0000${t}\u0000${s}`;
    const costs = new Map(changes.map((c) => [key(c.span.projectId, c.span.traceId, c.span.spanId), c.cost]));
    const current: ChRow[] = [];
    for (let i = 0; i < changes.length; i += IDS_PER_QUERY) {
      const ids = changes.slice(i, i + IDS_PER_QUERY).map((c) => new TupleParam([c.span.projectId, c.span.traceId, c.span.spanId]));
      current.push(...(await this.ch.query<ChRow>(`SELECT * FROM ${this.spans} FINAL WHERE (project_id, trace_id, span_id) IN {ids:Array(Tuple(String, String, String))}`, { ids })));
    }
    const rows = current.map((r) => {
      const cost = costs.get(key(String(r.project_id), String(r.trace_id), String(r.span_id)))!;
      return {
        ...r,
        cost_status: cost.status,
        cost_nano: cost.totalNanoUsd,
        cost_breakdown: Object.keys(cost.byBucketNanoUsd).length ? JSON.stringify(cost.byBucketNanoUsd) : null,
        price_row_id: cost.priceRowId,
        catalog_version: cost.catalogVersion,
        version: Math.max(Number(r.version) + 1, nextVersion()),
      };
    });
    // The hourly totals of these spans' hours no longer hold: dirty before and after the write.
    const hours = current.map((r) => Date.parse(`${String(r.start_time).slice(0, 19)}Z`) / 1000);
    await this.hours.markLate(hours);
    await this.ch.insert(this.spans, rows);
    await this.hours.markLate(hours);
  }
}
