import type { ClickHouseSettings } from '@clickhouse/client';
import type { ContentMaintenance, ContentPurge, ContentPurgeResult, ProjectId } from '../store.ts';
import type { Ch, Params } from './client.ts';
import { nextVersion } from './version.ts';

// Purging stored content (the same rules as the DuckDB backend's purgeContent): each changed
// row is written again whole, without its content, with a newer version. A chunk's rows are
// found first (their identities, in order), then copied in one INSERT ... SELECT over that range.
//
// compactsOnStop is false: nothing needs rewriting when the server stops. The old versions, with
// their content, stay on disk only until ClickHouse merges the parts that hold them, which it
// does in the background; OPTIMIZE ... FINAL forces it.

// Regular expressions as DuckDB's regexp_full_match applies them: the whole value, and `.` does
// not match a line break (ClickHouse's match() searches, and its `.` does by default).
function fullMatch(pattern: string): string {
  return `(?-s)^(?:${pattern})$`;
}

// Reading the copied row's own columns, never the replacements named like them. (A WHERE beside
// SELECT * REPLACE still sees the replacements: the rows are chosen in a subquery.)
const COPY_SETTINGS: ClickHouseSettings = { prefer_column_name_to_alias: 1 };

// The purge's conditions and replacements as SQL over one row, with their bound parameters.
class PurgeSql {
  readonly params: Params;
  // Whether this row's hashes go: all of them, or those stored before the hash key existed.
  readonly hashesGo: string;
  // Which spans and logs the purge may change at all: every one, or those started before a time.
  readonly spanInWindow: string;
  readonly logInWindow: string;
  private readonly patternSql: string;

  constructor(project: ProjectId, purge: ContentPurge) {
    this.params = {
      project,
      names: [...purge.names],
      prefixes: [...purge.prefixes],
      errorKept: fullMatch(purge.errorMessageKept),
      otlpMarker: purge.otlpMetadata.marker,
      safeNames: [...purge.otlpMetadata.names],
      safePrefixes: [...purge.otlpMetadata.prefixes],
      safeValue: fullMatch(purge.otlpMetadata.valuePattern),
      ...(purge.hashes === 'all' ? {} : { hashesBeforeUs: purge.hashes.ingestedBefore.getTime() * 1000 }),
      ...(purge.startedBefore ? { startedBeforeUs: purge.startedBefore.getTime() * 1000 } : {}),
    };
    // One bound parameter per pattern: match() needs a constant pattern.
    this.patternSql = purge.patterns.map((p, i) => {
      this.params[`pattern${i}`] = fullMatch(p);
      return ` OR match(k, {pattern${i}:String})`;
    }).join('');
    this.hashesGo = purge.hashes === 'all' ? '1' : 'ingested_at < fromUnixTimestamp64Micro({hashesBeforeUs:Int64})';
    const before = (column: string) => (purge.startedBefore ? `${column} < fromUnixTimestamp64Micro({startedBeforeUs:Int64}, 'UTC')` : '1');
    this.spanInWindow = before('start_time');
    this.logInWindow = before('timestamp');
  }

  // A key named as content (the lambda's `k`).
  get contentKey(): string {
    return `(has({names:Array(String)}, k) OR arrayExists(p -> startsWith(k, p), {prefixes:Array(String)})${this.patternSql})`;
  }

  // An entry not known to be free of text (`k`, `v`): dropped from OTLP spans and from logs.
  readonly unknownText = `NOT (has({safeNames:Array(String)}, k) OR arrayExists(p -> startsWith(k, p), {safePrefixes:Array(String)}) OR match(v, {safeValue:String}))`;

  readonly errorGoes = 'error_message IS NOT NULL AND NOT match(coalesce(error_message, \'\'), {errorKept:String})';

  // Which metadata entries of a span go.
  get metadataDrop(): string {
    return `${this.contentKey} OR ((${this.hashesGo}) AND k = 'retrieval.query_hash') OR (mapContains(metadata, {otlpMarker:String}) AND ${this.unknownText})`;
  }

  get spanNeedsPurge(): string {
    return `(${this.spanInWindow}) AND (input_content IS NOT NULL OR output_content IS NOT NULL OR (${this.errorGoes})
      OR ((${this.hashesGo}) AND (prompt_hash IS NOT NULL OR response_hash IS NOT NULL))
      OR arrayExists((k, v) -> ${this.metadataDrop}, mapKeys(metadata), mapValues(metadata)))`;
  }

  get spanReplace(): string {
    return `NULL AS input_content, NULL AS output_content,
      if(${this.hashesGo}, NULL, prompt_hash) AS prompt_hash,
      if(${this.hashesGo}, NULL, response_hash) AS response_hash,
      if(${this.errorGoes}, NULL, error_message) AS error_message,
      mapFilter((k, v) -> NOT (${this.metadataDrop}), metadata) AS metadata,
      greatest(version + 1, {version:UInt64}) AS version`;
  }

  readonly genAiEvent = "startsWith(attributes['event.name'], 'gen_ai.')";

  get logNeedsPurge(): string {
    return `(${this.logInWindow}) AND ((${this.genAiEvent} AND body != '') OR arrayExists((k, v) -> ${this.contentKey} OR ${this.unknownText}, mapKeys(attributes), mapValues(attributes)))`;
  }

  get logReplace(): string {
    return `if(${this.genAiEvent}, '', body) AS body,
      mapFilter((k, v) -> NOT (${this.contentKey} OR ${this.unknownText}), attributes) AS attributes,
      greatest(version + 1, {version:UInt64}) AS version`;
  }
}

export class ChContentMaintenance implements ContentMaintenance {
  private readonly ch: Ch;

  constructor(ch: Ch) {
    this.ch = ch;
  }

  async purgeContent(project: ProjectId, purge: ContentPurge): Promise<ContentPurgeResult> {
    const sql = new PurgeSql(project, purge);
    const spans = `${this.ch.database}.spans`;
    const logs = `${this.ch.database}.logs`;
    const changed = { spans: 0, logs: 0 };
    // Keyset pagination over the identity: each row is visited once, and the loop ends even if a
    // copy still matched the condition.
    let after = { trace: '', span: '' };
    for (;;) {
      const keys = await this.ch.query<{ trace_id: string; span_id: string }>(
        `SELECT trace_id, span_id FROM ${spans} FINAL
          WHERE project_id = {project:String} AND (trace_id, span_id) > ({afterTrace:String}, {afterSpan:String}) AND (${sql.spanNeedsPurge})
          ORDER BY trace_id, span_id LIMIT {chunk:UInt32}`,
        { ...sql.params, afterTrace: after.trace, afterSpan: after.span, chunk: purge.chunkRows },
      );
      if (!keys.length) break;
      const last = { trace: keys[keys.length - 1].trace_id, span: keys[keys.length - 1].span_id };
      // The chunk's rows by its key range, not a list of keys (bound parameters are limited in size).
      await this.ch.command(
        `INSERT INTO ${spans} SELECT * REPLACE (${sql.spanReplace}) FROM (
           SELECT * FROM ${spans} FINAL
            WHERE project_id = {project:String} AND (trace_id, span_id) > ({afterTrace:String}, {afterSpan:String})
              AND (trace_id, span_id) <= ({lastTrace:String}, {lastSpan:String}) AND (${sql.spanNeedsPurge}))`,
        { ...sql.params, version: nextVersion(), afterTrace: after.trace, afterSpan: after.span, lastTrace: last.trace, lastSpan: last.span },
        COPY_SETTINGS,
      );
      after = last;
      changed.spans += keys.length;
      if (keys.length < purge.chunkRows) break;
    }
    let afterId = '';
    for (;;) {
      const ids = await this.ch.query<{ id: string }>(
        `SELECT id FROM ${logs} FINAL WHERE project_id = {project:String} AND id > {afterId:String} AND (${sql.logNeedsPurge})
          ORDER BY id LIMIT {chunk:UInt32}`,
        { ...sql.params, afterId, chunk: purge.chunkRows },
      );
      if (!ids.length) break;
      const lastId = ids[ids.length - 1].id;
      await this.ch.command(
        `INSERT INTO ${logs} SELECT * REPLACE (${sql.logReplace}) FROM (
           SELECT * FROM ${logs} FINAL
            WHERE project_id = {project:String} AND id > {afterId:String} AND id <= {lastId:String} AND (${sql.logNeedsPurge}))`,
        { ...sql.params, version: nextVersion(), afterId, lastId },
        COPY_SETTINGS,
      );
      afterId = lastId;
      changed.logs += ids.length;
      if (ids.length < purge.chunkRows) break;
    }
    return { ...changed, compactsOnStop: false };
  }
}
