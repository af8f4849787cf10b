import {
  assemble,
  EXPERIMENT_SAMPLE_CAP,
  EXPERIMENT_TRACE_SAMPLES,
  MAX_EXPERIMENT_GROUPS,
  MAX_EXPERIMENT_SCORE_NAMES,
  type ExperimentGroupStats,
  type ExperimentQuery,
  groupsArePromptVersions,
  withIncluded,
} from '../experiments.ts';
import type { ProjectId } from '../project.ts';
import type { DuckDb } from './db.ts';
import { dimensionSql, Params, whereSql } from './analytics.ts';

// Groups of calls compared (store/experiments.ts) on DuckDB: the groups by calls when none are
// named, then three reads over the named groups' calls: the moments of each per-call figure, a
// sample of latencies (the calls with the smallest hash of their ids, so the same calls every
// time), and the scores of the groups' traces (only those traces' scores are read). Each is one
// aggregate pass over the project's rows in the range, as the analytics are (analytics.ts builds
// the WHERE clause and the dimension).

function callsSql(project: ProjectId, q: ExperimentQuery, p: Params, values: string[]): string {
  const g = dimensionSql(q.by, p);
  const where = whereSql(project, q, q.filters, p, true);
  return `SELECT ${g} AS g, * FROM spans WHERE ${where} AND ${g} IN (${values.map((v) => p.bind(v)).join(', ')})`;
}


export async function topExperimentGroups(db: DuckDb, project: ProjectId, q: ExperimentQuery): Promise<string[]> {
  const p = new Params();
  const limit = Math.max(1, Math.min(MAX_EXPERIMENT_GROUPS, Math.trunc(q.limit)));
  const rows = await db.all(
    `SELECT g, count(*) AS n FROM (SELECT ${dimensionSql(q.by, p)} AS g FROM spans WHERE ${whereSql(project, q, q.filters, p, true)})
      WHERE g IS NOT NULL GROUP BY g ORDER BY n DESC, g LIMIT ${limit}`,
    p.values,
  );
  return rows.map((r) => String(r.g));
}

export async function experimentGroups(db: DuckDb, project: ProjectId, q: ExperimentQuery): Promise<ExperimentGroupStats[]> {
  const values = q.values ?? withIncluded(await topExperimentGroups(db, project, q), q);
  if (values.length === 0) return [];
  const cap = Math.max(1, Math.min(EXPERIMENT_SAMPLE_CAP, Math.trunc(q.sampleCap)));

  const m = new Params();
  // By prompt version, the prompts whose calls each group holds (compare.ts warns of several).
  const promptName = groupsArePromptVersions(q.by) ? dimensionSql('prompt', m) : null;
  const prompts = promptName === null ? '' : `count(DISTINCT ${promptName}) AS prompt_n, min(${promptName}) AS prompt_min, max(${promptName}) AS prompt_max,`;
  const figures = await db.all(
    `WITH calls AS (${callsSql(project, q, m, values)})
     SELECT g, count(*) AS calls, count(*) FILTER (WHERE status = 'error') AS errors, count(duration_ms) AS lat_n, ${prompts}
            epoch_ms(min(start_time)) AS first_ms, epoch_ms(max(start_time)) AS last_ms,
            count(cost_usd) AS cost_n, avg(cost_usd::DOUBLE) AS cost_mean, var_samp(cost_usd::DOUBLE) AS cost_var,
            avg((input_tokens + cache_read_tokens + cache_write_tokens)::DOUBLE) AS in_mean,
            var_samp((input_tokens + cache_read_tokens + cache_write_tokens)::DOUBLE) AS in_var,
            avg((output_tokens + reasoning_tokens)::DOUBLE) AS out_mean,
            var_samp((output_tokens + reasoning_tokens)::DOUBLE) AS out_var,
            arg_max(trace_id, start_time, ${EXPERIMENT_TRACE_SAMPLES}) AS samples
       FROM calls GROUP BY g`,
    m.values,
  );

  const l = new Params();
  const latencies = await db.all(
    `WITH calls AS (${callsSql(project, q, l, values)})
     SELECT g, list(duration_ms ORDER BY duration_ms) AS sample
       FROM (SELECT g, duration_ms, row_number() OVER (PARTITION BY g ORDER BY hash(trace_id, span_id), trace_id, span_id) AS k
               FROM calls WHERE duration_ms IS NOT NULL)
      WHERE k <= ${cap} GROUP BY g`,
    l.values,
  );

  const s = new Params();
  const scores = await db.all(
    `WITH traces AS (SELECT DISTINCT g, trace_id FROM (${callsSql(project, q, s, values)})),
          scored AS (SELECT t.g, sc.name, sc.v FROM traces t
                       JOIN (SELECT trace_id, name, numeric_value AS v FROM scores
                              WHERE project_id = ${s.bind(project)} AND numeric_value IS NOT NULL
                                AND trace_id IN (SELECT trace_id FROM traces)) sc ON sc.trace_id = t.trace_id),
          names AS (SELECT name FROM scored GROUP BY name ORDER BY count(*) DESC, name LIMIT ${MAX_EXPERIMENT_SCORE_NAMES})
     SELECT g, name, count(*) AS n, avg(v) AS mean, var_samp(v) AS variance
       FROM scored WHERE name IN (SELECT name FROM names) GROUP BY g, name ORDER BY g, name`,
    s.values,
  );

  return assemble(values, figures, latencies, scores);
}
