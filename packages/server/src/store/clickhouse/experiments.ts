import {
  assemble,
  EXPERIMENT_SAMPLE_CAP,
  EXPERIMENT_TRACE_SAMPLES,
  MAX_EXPERIMENT_GROUPS,
  MAX_EXPERIMENT_SCORE_NAMES,
  type ExperimentGroupStats,
  type ExperimentQuery,
  groupsArePromptVersions,
  sampleFraction,
  withIncluded,
} from '../experiments.ts';
import type { ProjectId } from '../project.ts';
import type { Ch } from './client.ts';
import { Binder, dimensionSql, whereSql } from './analytics-sql.ts';

type Row = Record<string, unknown>;

// Groups of calls compared (store/experiments.ts) on ClickHouse: the same reads as
// store/duckdb/experiments.ts over the current version of each span (FINAL). The latency sample
// is the calls with the smallest cityHash64 of their ids (another hash than DuckDB's, so a group
// larger than the sample keeps other calls there; smaller groups are read whole on both).
//
// Memory stays bounded whatever the range: the figures are aggregates; the latency read keeps
// only the calls under a hash threshold sized from the group's count (about the sample's size)
// before sorting them; the scores read only the scores of the groups' traces (an IN on trace id,
// which each shard answers from its own spans: scores and spans are both sharded by trace id).

const HASH = 'cityHash64(trace_id, span_id)';
// A trace's spans and scores live on one shard: each shard's IN reads its own spans.
const LOCAL_IN = { distributed_product_mode: 'local' } as const;

function callsSql(ch: Ch, project: ProjectId, q: ExperimentQuery, p: Binder, values: string[], extra = ''): string {
  const g = dimensionSql(q.by, p);
  const where = whereSql(project, q, q.filters, p, true);
  const prompt = groupsArePromptVersions(q.by) ? `, ${dimensionSql('prompt', p)} AS pname` : '';
  return `SELECT ${g} AS g, trace_id, span_id, start_time, status, cost_nano, input_tokens, cache_read_tokens, cache_write_tokens,
                 output_tokens, reasoning_tokens, duration_ms${prompt}
            FROM ${ch.database}.spans FINAL WHERE ${where} AND ${g} IN ${p.bindList(values)}${extra}`;
}

// The latency sample of the groups: per group the `cap` calls of smallest hash. A group's rows are
// first cut to those under its threshold (2^64 × fraction; none for a fraction of 1).
async function latencySample(ch: Ch, project: ProjectId, q: ExperimentQuery, values: string[], fractions: Map<string, number>, cap: number): Promise<Row[]> {
  const l = new Binder();
  const cut = values.map((v) => {
    const f = fractions.get(v) ?? 1;
    return f >= 1 ? `g = ${l.bind(v)}` : `(g = ${l.bind(v)} AND ${HASH} < toUInt64('${BigInt(Math.floor(f * 2 ** 53)) * 2048n}'))`;
  });
  return ch.query<Row>(
    `SELECT g, arraySort(groupArray(duration_ms)) AS sample
       FROM (SELECT g, duration_ms FROM (${callsSql(ch, project, q, l, values, ' AND duration_ms IS NOT NULL')})
              WHERE ${cut.join(' OR ')}
              ORDER BY g, ${HASH}, trace_id, span_id LIMIT ${cap} BY g)
      GROUP BY g`,
    l.values,
  );
}

export async function experimentGroupsCh(ch: Ch, project: ProjectId, q: ExperimentQuery): Promise<ExperimentGroupStats[]> {
  let values = q.values;
  if (values === null) {
    const p = new Binder();
    const limit = Math.max(1, Math.min(MAX_EXPERIMENT_GROUPS, Math.trunc(q.limit)));
    const rows = await ch.query<Row>(
      `SELECT g, count() AS n FROM (SELECT ${dimensionSql(q.by, p)} AS g FROM ${ch.database}.spans FINAL WHERE ${whereSql(project, q, q.filters, p, true)})
        WHERE g IS NOT NULL GROUP BY g ORDER BY n DESC, g LIMIT ${limit}`,
      p.values,
    );
    values = withIncluded(rows.map((r) => String(r.g)), q);
  }
  if (values.length === 0) return [];
  const cap = Math.max(1, Math.min(EXPERIMENT_SAMPLE_CAP, Math.trunc(q.sampleCap)));

  const m = new Binder();
  const figures = await ch.query<Row>(
    `SELECT g, count() AS calls, countIf(status = 'error') AS errors, count(duration_ms) AS lat_n,${groupsArePromptVersions(q.by) ? ' uniqExact(pname) AS prompt_n, min(pname) AS prompt_min, max(pname) AS prompt_max,' : ''}
            toUnixTimestamp64Milli(min(start_time)) AS first_ms, toUnixTimestamp64Milli(max(start_time)) AS last_ms,
            count(cost_nano) AS cost_n, avg(cost_nano / 1e9) AS cost_mean, varSamp(cost_nano / 1e9) AS cost_var,
            avg(toFloat64(input_tokens + cache_read_tokens + cache_write_tokens)) AS in_mean,
            varSamp(toFloat64(input_tokens + cache_read_tokens + cache_write_tokens)) AS in_var,
            avg(toFloat64(output_tokens + reasoning_tokens)) AS out_mean,
            varSamp(toFloat64(output_tokens + reasoning_tokens)) AS out_var,
            arrayMap(x -> x.2, groupArraySorted(${EXPERIMENT_TRACE_SAMPLES})((-toUnixTimestamp64Micro(start_time), trace_id))) AS samples
       FROM (${callsSql(ch, project, q, m, values)}) GROUP BY g`,
    m.values,
  );

  // Each group's count of latencies is the figures'; a group of at most `cap` is read whole.
  const counts = new Map(figures.map((r) => [String(r.g), Number(r.lat_n)]));
  const fractions = new Map(values.map((v) => [v, sampleFraction(counts.get(v) ?? 0, cap)]));
  const latencies = await latencySample(ch, project, q, values, fractions, cap);
  // A threshold that let fewer than the cap through (rare): those groups again, without it.
  const sampleOf = (v: string) => latencies.find((r) => String(r.g) === v)?.sample;
  const short = values.filter((v) => (fractions.get(v) ?? 1) < 1 && !(Array.isArray(sampleOf(v)) && (sampleOf(v) as unknown[]).length >= cap));
  if (short.length > 0) {
    const again = await latencySample(ch, project, q, short, new Map(), cap);
    const kept = latencies.filter((r) => !short.includes(String(r.g)));
    latencies.splice(0, latencies.length, ...kept, ...again);
  }

  const s = new Binder();
  const scores = await ch.query<Row>(
    `WITH scored AS (
       SELECT t.g AS g, sc.name AS name, sc.numeric_value AS v
         FROM (SELECT DISTINCT g, trace_id FROM (${callsSql(ch, project, q, s, values)})) AS t
        INNER JOIN (SELECT trace_id, name, numeric_value FROM ${ch.database}.scores FINAL
                     WHERE project_id = ${s.bind(project)} AND numeric_value IS NOT NULL
                       AND trace_id IN (SELECT trace_id FROM (${callsSql(ch, project, q, s, values)}))) AS sc ON sc.trace_id = t.trace_id)
     SELECT g, name, count() AS n, avg(v) AS mean, varSamp(v) AS variance
       FROM scored
      WHERE name IN (SELECT name FROM scored GROUP BY name ORDER BY count() DESC, name LIMIT ${MAX_EXPERIMENT_SCORE_NAMES})
      GROUP BY g, name ORDER BY g, name`,
    s.values,
    LOCAL_IN,
  );

  return assemble(values, figures, latencies, scores);
}
