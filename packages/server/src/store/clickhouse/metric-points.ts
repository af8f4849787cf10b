import type { MetricPointRecord } from '../../domain/metric.ts';
import type { MetricNameSummary, MetricPointStore, ProjectId } from '../store.ts';
import { paramChunks, type Ch } from './client.ts';
import { METRIC_COLUMNS, metricRow, rowToMetricPoint } from './rows.ts';
import { nextVersion } from './version.ts';

// OTLP metric points. A point's id is derived from its series and timestamps, so a re-sent point
// has the id it had: it is counted a duplicate when its (project, id) is already stored, and should
// two nodes store it at once, ReplacingMergeTree keeps one row (reads use FINAL).

const key = (p: { projectId: string; id: string }) => `${p.projectId}\u0000${p.id}`;

export class ChMetricPoints implements MetricPointStore {
  readonly ch: Ch;
  constructor(ch: Ch) {
    this.ch = ch;
  }

  private get table(): string {
    return `${this.ch.database}.metric_points`;
  }

  async writeMetricPoints(points: MetricPointRecord[]): Promise<{ accepted: number; duplicates: number }> {
    if (!points.length) return { accepted: 0, duplicates: 0 };
    const unique = [...new Map(points.map((p) => [key(p), p])).values()];
    // Project and name lead the sorting key, so the look-up reads only those points' granules.
    const stored: { project_id: string; id: string }[] = [];
    for (const ids of paramChunks([...new Set(unique.map((p) => p.id))])) {
      stored.push(
        ...(await this.ch.query<{ project_id: string; id: string }>(
          `SELECT project_id, id FROM ${this.table} FINAL
           WHERE project_id IN {projects:Array(String)} AND name IN {names:Array(String)} AND id IN {ids:Array(String)}`,
          { projects: [...new Set(unique.map((p) => p.projectId))], names: [...new Set(unique.map((p) => p.name))], ids },
          // Points are sharded by id: only the shards that may hold these ids are asked.
          { optimize_skip_unused_shards: 1 },
        )),
      );
    }
    const known = new Set(stored.map((r) => key({ projectId: r.project_id, id: r.id })));
    const fresh = unique.filter((p) => !known.has(key(p)));
    const version = nextVersion();
    await this.ch.insert(this.table, fresh.map((p) => metricRow(p, version)));
    return { accepted: fresh.length, duplicates: points.length - fresh.length };
  }

  async listMetricNames(project: ProjectId, range: { fromMs: number; toMs: number }): Promise<MetricNameSummary[]> {
    const rows = await this.ch.query<Record<string, string>>(
      `SELECT name, any(unit) AS unit, any(kind) AS kind, uniqExact(series) AS series, count() AS points,
         formatDateTime(max(time), '%Y-%m-%dT%H:%i:%SZ', 'UTC') AS last_seen
       FROM ${this.table} FINAL
       WHERE project_id = {project:String}
         AND time >= fromUnixTimestamp64Micro({fromUs:Int64}, 'UTC') AND time < fromUnixTimestamp64Micro({toUs:Int64}, 'UTC')
       GROUP BY name ORDER BY name`,
      { project, fromUs: Math.trunc(range.fromMs * 1000), toUs: Math.trunc(range.toMs * 1000) },
    );
    return rows.map((r) => ({ name: r.name, unit: r.unit, kind: r.kind, series: Number(r.series), points: Number(r.points), lastSeen: r.last_seen }));
  }

  async metricPoints(project: ProjectId, name: string, range: { fromMs: number; toMs: number }, limit: number): Promise<MetricPointRecord[]> {
    const rows = await this.ch.query(
      `SELECT ${METRIC_COLUMNS} FROM ${this.table} FINAL
       WHERE project_id = {project:String} AND name = {name:String}
         AND time >= fromUnixTimestamp64Micro({fromUs:Int64}, 'UTC') AND time < fromUnixTimestamp64Micro({toUs:Int64}, 'UTC')
       ORDER BY time, id LIMIT {limit:UInt64}`,
      { project, name, fromUs: Math.trunc(range.fromMs * 1000), toUs: Math.trunc(range.toMs * 1000), limit },
    );
    return rows.map(rowToMetricPoint);
  }
}
