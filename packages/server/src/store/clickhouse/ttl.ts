import type { ClickHouseSettings } from '@clickhouse/client';
import type { RetentionBackstop } from '../retention.ts';
import type { Ch } from './client.ts';
import type { ChDocuments } from './documents.ts';
import type { ChHourTotals } from './hour-totals.ts';
import { localName } from './migrate.ts';
import { CALL_HOUR_TABLE, LOG_TABLE, METRIC_POINT_TABLE, SCORE_TABLE, SPAN_TABLE, type TableDef } from './schema.ts';

// Retention by the tables' own TTL: ClickHouse deletes expired rows (and empties expired content
// columns) in its merges, whether or not a Lookout node is running. A TTL is one expression per
// table, not per project, so it holds the longest tiers any project has, plus a margin: the
// retention job (which deletes each project's rows at its own cutoffs, archive first) always
// gets there first, and the TTL only acts for rows it has missed for a week.
//
// A change is applied once (the applied limits are kept in a shared document): ALTER ... MODIFY
// TTL with materialize_ttl_recalculate_only, so existing parts only have their TTL information
// computed (a read of the time columns, not a rewrite) and lose their expired rows in the
// following TTL merges (merge_with_ttl_timeout, 4 hours by default).

export const TTL_MARGIN_DAYS = 7;
const DOCUMENT = 'retention-ttl';
const DAY_S = 86_400;
// The recalculation runs in the background: the ALTER returns once its metadata is changed.
const ALTER_SETTINGS: ClickHouseSettings = { mutations_sync: '0', alter_sync: '2' };

// The table's time column, as a DateTime for TTL.
const TIME_COLUMN = new Map<TableDef, string>([
  [SPAN_TABLE, 'toDateTime(start_time)'],
  [SCORE_TABLE, 'toDateTime(timestamp)'],
  [LOG_TABLE, 'toDateTime(timestamp)'],
  [METRIC_POINT_TABLE, 'toDateTime(time)'],
  [CALL_HOUR_TABLE, 'hour'],
]);

// Content columns emptied by the content TTL (their definitions as in schema.ts, which a MODIFY
// COLUMN repeats).
const CONTENT_COLUMNS: { table: TableDef; column: string; type: string; time: string }[] = [
  { table: SPAN_TABLE, column: 'input_content', type: 'Nullable(String) CODEC(ZSTD(3))', time: 'toDateTime(start_time)' },
  { table: SPAN_TABLE, column: 'output_content', type: 'Nullable(String) CODEC(ZSTD(3))', time: 'toDateTime(start_time)' },
  { table: LOG_TABLE, column: 'body', type: 'String CODEC(ZSTD(3))', time: 'toDateTime(timestamp)' },
];

export async function applyTtlBackstop(ch: Ch, documents: ChDocuments, hours: ChHourTotals, longest: RetentionBackstop | null): Promise<boolean> {
  const wanted = JSON.stringify(longest);
  if ((await documents.read(DOCUMENT)) === wanted) return false;
  const table = (t: TableDef) => `${ch.database}.${localName(ch, t)}`;
  const days = (d: number) => `toIntervalDay(${d + TTL_MARGIN_DAYS})`;
  for (const t of TIME_COLUMN.keys()) await ch.everyShard(`ALTER TABLE ${table(t)} MODIFY SETTING materialize_ttl_recalculate_only = 1`, {}, ALTER_SETTINGS);
  if (longest === null) {
    for (const t of TIME_COLUMN.keys()) await ch.everyShard(`ALTER TABLE ${table(t)} REMOVE TTL`, {}, ALTER_SETTINGS).catch(ignoreNoTtl);
    for (const c of CONTENT_COLUMNS) await ch.everyShard(`ALTER TABLE ${table(c.table)} MODIFY COLUMN ${c.column} REMOVE TTL`, {}, ALTER_SETTINGS).catch(ignoreNoTtl);
    await hours.setTrailingRetention(0);
  } else {
    // Before any span can expire: hours past the spans' TTL keep their totals as they are.
    await hours.setTrailingRetention((longest.spansDays + TTL_MARGIN_DAYS) * DAY_S);
    for (const [t, time] of TIME_COLUMN) {
      const d = t === CALL_HOUR_TABLE ? longest.rollupsDays : longest.spansDays;
      await ch.everyShard(`ALTER TABLE ${table(t)} MODIFY TTL ${time} + ${days(d)}`, {}, ALTER_SETTINGS);
    }
    for (const c of CONTENT_COLUMNS) {
      await ch.everyShard(`ALTER TABLE ${table(c.table)} MODIFY COLUMN ${c.column} ${c.type} TTL ${c.time} + ${days(longest.contentDays)}`, {}, ALTER_SETTINGS);
    }
  }
  await documents.write(DOCUMENT, wanted);
  return true;
}

// REMOVE TTL on a table or column without one.
function ignoreNoTtl(err: unknown): void {
  if (!/BAD_ARGUMENTS|doesn't have TTL|does not have TTL|has no TTL/i.test((err as Error).message ?? '')) throw err;
}
