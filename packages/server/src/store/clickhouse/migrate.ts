import type { ClickHouseClient } from '@clickhouse/client';
import { LookoutError } from '../../errors.ts';
import type { Ch } from './client.ts';
import { CH_MIGRATIONS, type ChMigration, type TableDef } from './schema.ts';

// Applies the versioned schema (schema.ts) to every shard. Without Keeper a cluster cannot run
// ON CLUSTER DDL, so Lookout connects to each listed shard and creates its local tables there,
// then the Distributed tables over them. With `onCluster` (the cluster has Keeper) the statements
// run once, ON CLUSTER, and the tables are replicated: each shard's replicas share a Keeper path.

const MIGRATIONS_TABLE = 'schema_migrations';

// The local table's name: on a cluster, event tables are `<name>_local` under a Distributed
// `<name>`; otherwise the table itself.
export function localName(ch: Ch, table: TableDef): string {
  return ch.sharded && table.shardBy ? `${table.name}_local` : table.name;
}

// `ReplacingMergeTree(args)` as it is, or replicated: ReplicatedReplacingMergeTree with the
// table's Keeper path and replica name first.
export function engineFor(engine: string, replicatedPath: string | null): string {
  if (replicatedPath === null) return engine;
  const m = /^(\w+)(?:\((.*)\))?$/.exec(engine);
  if (!m) throw new Error(`cannot replicate the table engine ${engine}`);
  const args = [`'${replicatedPath}'`, "'{replica}'", ...(m[2] ? [m[2]] : [])];
  return `Replicated${m[1]}(${args.join(', ')})`;
}

function keeperPath(ch: Ch, table: string): string | null {
  return ch.onCluster ? `/clickhouse/tables/{shard}/${ch.database}/${table}` : null;
}

function createLocal(ch: Ch, table: TableDef, onCluster: string): string {
  return `CREATE TABLE IF NOT EXISTS ${ch.database}.${localName(ch, table)}${onCluster} (${table.columns})
    ENGINE = ${engineFor(table.engine, keeperPath(ch, localName(ch, table)))}
    ${table.partitionBy ? `PARTITION BY ${table.partitionBy}` : ''}
    ORDER BY ${table.orderBy}
    ${table.settings ? `SETTINGS ${table.settings}` : ''}`;
}

function createDistributed(ch: Ch, table: TableDef, onCluster: string): string {
  return `CREATE TABLE IF NOT EXISTS ${ch.database}.${table.name}${onCluster} AS ${ch.database}.${table.name}_local
    ENGINE = Distributed('${ch.cluster}', '${ch.database}', '${table.name}_local', ${table.shardBy})`;
}

async function run(client: ClickHouseClient, sql: string): Promise<void> {
  await client.command({ query: sql });
}

async function applied(client: ClickHouseClient, db: string): Promise<Set<number>> {
  const rs = await client.query({ query: `SELECT version FROM ${db}.${MIGRATIONS_TABLE} FINAL`, format: 'JSONEachRow' });
  return new Set((await rs.json<{ version: number }>()).map((r) => Number(r.version)));
}

async function migrateOne(ch: Ch, client: ClickHouseClient, m: ChMigration, onCluster: string, startedMs: number): Promise<void> {
  for (const t of m.tables) await run(client, createLocal(ch, t, onCluster));
  if (ch.sharded) for (const t of m.tables) if (t.shardBy) await run(client, createDistributed(ch, t, onCluster));
  for (const add of m.addColumns ?? []) {
    const names = ch.sharded && add.table.shardBy ? [localName(ch, add.table), add.table.name] : [add.table.name];
    for (const name of names) {
      const clauses = add.columns.map((c) => `ADD COLUMN IF NOT EXISTS ${c}`).join(', ');
      await run(client, `ALTER TABLE ${ch.database}.${name}${onCluster} ${clauses}`);
    }
  }
  if (m.version === 1) {
    // Version 1 of the default project: any later change is a newer version.
    await client.insert({
      table: `${ch.database}.projects`,
      values: [{ id: 'default', name: 'Default project', content_capture: 'full', created_at: startedMs, version: 1 }],
      format: 'JSONEachRow',
    });
  }
  await client.insert({
    table: `${ch.database}.${MIGRATIONS_TABLE}`,
    values: [{ version: m.version, name: m.name, applied_at: Math.floor(Date.now() / 1000) }],
    format: 'JSONEachRow',
  });
}

export async function migrate(ch: Ch, migrations: ChMigration[] = CH_MIGRATIONS): Promise<void> {
  const onCluster = ch.onCluster && ch.cluster ? ` ON CLUSTER '${ch.cluster}'` : '';
  // ON CLUSTER statements reach every shard from one; otherwise each shard is migrated in turn.
  const targets = onCluster ? [ch.clients[0]] : ch.clients;
  // One creation time for the default project on every shard, however long each shard takes.
  const startedMs = Date.now();
  for (const [i, client] of targets.entries()) {
    try {
      await migrateShard(ch, client, migrations, onCluster, startedMs);
    } catch (err) {
      const translated = ch.translate(err);
      if (translated instanceof LookoutError && translated.code === 'store_unavailable') {
        throw new LookoutError(
          'store_unavailable',
          `ClickHouse at ${ch.urls[i]} is unreachable (${(err as Error).message.trim()}); a node checks the schema on every listed shard as it starts, so every shard must be up`,
          { cause: err },
        );
      }
      throw err;
    }
  }
}

async function migrateShard(ch: Ch, client: ClickHouseClient, migrations: ChMigration[], onCluster: string, startedMs: number): Promise<void> {
  await run(client, `CREATE DATABASE IF NOT EXISTS ${ch.database}${onCluster}`);
  await run(
    client,
    `CREATE TABLE IF NOT EXISTS ${ch.database}.${MIGRATIONS_TABLE}${onCluster} (version UInt32, name String, applied_at DateTime('UTC'))
     ENGINE = ${engineFor('ReplacingMergeTree', keeperPath(ch, MIGRATIONS_TABLE))} ORDER BY version`,
  );
  const done = await applied(client, ch.database);
  for (const m of migrations) if (!done.has(m.version)) await migrateOne(ch, client, m, onCluster, startedMs);
}
