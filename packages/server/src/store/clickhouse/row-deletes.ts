import type { ClickHouseSettings } from '@clickhouse/client';
import { LookoutError } from '../../errors.ts';
import type { Ch, Params } from './client.ts';
import { localName } from './migrate.ts';
import type { TableDef } from './schema.ts';

// Deleting stored rows for erasure and retention. A lightweight DELETE on every shard's own table
// (a Distributed table takes no DELETE): it marks the rows deleted in place, so the next read does
// not see them; `lightweight_deletes_sync = 2` returns only once every replica of the shard has
// applied it. The marked rows are still in their parts' column files until the parts are
// rewritten: `purgeDeleted` does that at once (APPLY DELETED MASK, a mutation that rewrites only
// the parts holding deleted rows). docs/data-lifecycle.md compares this with ALTER TABLE ... DELETE.

const DELETE_SETTINGS: ClickHouseSettings = { lightweight_deletes_sync: '2' };
// APPLY DELETED MASK is a mutation: started without waiting (on a large table it outlasts any
// query timeout), then watched in system.mutations until every shard has finished it.
const MUTATION_SETTINGS: ClickHouseSettings = { mutations_sync: '0' };
const POLL_MS = 250;
// A rewrite still running after this is left to finish on its own; the caller's run fails and is
// run again (everything before it is done, so again is quick).
const MAX_WAIT_MS = 3_600_000;

export class RowDeletes {
  private readonly ch: Ch;
  // The tables that had rows deleted since the last purgeDeleted.
  private readonly touched = new Set<TableDef>();

  constructor(ch: Ch) {
    this.ch = ch;
  }

  // The rows of `table` (every shard's copy or part) matching `where`; bound parameters in `params`.
  async delete(table: TableDef, where: string, params: Params): Promise<void> {
    await this.ch.everyShard(`DELETE FROM ${this.ch.database}.${localName(this.ch, table)} WHERE ${where}`, params, DELETE_SETTINGS);
    this.touched.add(table);
  }

  // Rewrites the parts that hold rows deleted by this object, without them, and waits until it is
  // done; the replaced parts leave the disk once no read uses them (old_parts_lifetime).
  async purgeDeleted(): Promise<void> {
    const tables = [...this.touched].map((t) => localName(this.ch, t));
    for (const table of tables) await this.ch.everyShard(`ALTER TABLE ${this.ch.database}.${table} APPLY DELETED MASK`, {}, MUTATION_SETTINGS);
    const deadline = Date.now() + MAX_WAIT_MS;
    for (const client of this.ch.clients) {
      for (;;) {
        const rs = await client
          .query({
            query: `SELECT count() AS pending, anyIf(latest_fail_reason, latest_fail_reason != '') AS failure FROM system.mutations
              WHERE database = {db:String} AND has({tables:Array(String)}, table) AND NOT is_done`,
            query_params: { db: this.ch.database, tables },
            format: 'JSONEachRow',
          })
          .catch((err: unknown) => {
            throw this.ch.translate(err);
          });
        const [row] = await rs.json<{ pending: string; failure: string }>();
        if (Number(row?.pending ?? 0) === 0) break;
        if (row.failure) throw new LookoutError('internal', `ClickHouse could not rewrite the parts holding deleted rows: ${row.failure}`);
        if (Date.now() > deadline) throw new LookoutError('store_unavailable', 'ClickHouse is still rewriting the parts holding deleted rows; the next run finishes');
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
    this.touched.clear();
  }
}
