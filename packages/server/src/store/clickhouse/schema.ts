// The ClickHouse schema, versioned. A migration never changes once released: add a new one.
// Every statement is idempotent (IF NOT EXISTS), so several Lookout nodes starting at once may
// all run it.
//
// Event tables (spans, scores, logs, metric points) are ReplacingMergeTree: a row is identified
// by its sorting key, and the row with the highest `version` wins when parts merge and when a
// read asks for FINAL. Loading the same row twice (a retried batch, the same batch sent to two
// nodes, a replay after a crash) therefore stores it once, and re-pricing or filling a trace's
// attribution writes a newer version instead of updating in place. On a cluster each event
// table is a local table on every shard plus a Distributed table of the same columns, sharded by
// trace id so that a trace, and so every version of its rows, lives on one shard.
//
// Control-plane tables (projects, keys, price overrides, shared documents, leases, prompts, people,
// sessions, the audit log) are small: on a cluster every shard keeps a full copy, written to all
// shards and read from any.

export interface TableDef {
  name: string;
  columns: string;
  engine: string;
  orderBy: string;
  partitionBy?: string;
  // Event tables: the Distributed sharding expression. Control tables have none.
  shardBy?: string;
  settings?: string;
}

export interface ColumnAddition {
  table: TableDef;
  // `name Type` each; added IF NOT EXISTS, to the local table and to the Distributed one over it.
  columns: string[];
}

export interface ChMigration {
  version: number;
  name: string;
  tables: TableDef[];
  addColumns?: ColumnAddition[];
}

// Dimensions users group and filter by: few distinct values, stored as dictionaries.
const LC = 'LowCardinality(Nullable(String))';

export const SPAN_TABLE: TableDef = {
  name: 'spans',
  columns: `
    project_id LowCardinality(String),
    trace_id String,
    span_id String,
    parent_span_id Nullable(String),
    name String,
    kind LowCardinality(String),
    start_time DateTime64(6, 'UTC'),
    end_time DateTime64(6, 'UTC'),
    duration_ms Float64,
    provider ${LC},
    request_model ${LC},
    response_model ${LC},
    model ${LC},
    input_tokens Int64,
    output_tokens Int64,
    cache_read_tokens Int64,
    cache_write_tokens Int64,
    reasoning_tokens Int64,
    audio_tokens Int64,
    total_tokens Int64,
    cost_status LowCardinality(String),
    cost_nano Nullable(Int64),
    cost_breakdown Nullable(String),
    price_row_id ${LC},
    catalog_version ${LC},
    status LowCardinality(String),
    error_class ${LC},
    error_message Nullable(String) CODEC(ZSTD(3)),
    finish_reason ${LC},
    ttft_ms Nullable(Float64),
    user_id Nullable(String),
    session_id Nullable(String),
    feature ${LC},
    team ${LC},
    department ${LC},
    application ${LC},
    environment ${LC},
    tags Array(String),
    metadata Map(String, String),
    input_content Nullable(String) CODEC(ZSTD(3)),
    output_content Nullable(String) CODEC(ZSTD(3)),
    prompt_hash Nullable(String),
    response_hash Nullable(String),
    request_id Nullable(String),
    ingested_at DateTime64(6, 'UTC'),
    version UInt64,
    INDEX trace_idx trace_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX span_idx span_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX user_idx user_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX session_idx session_id TYPE bloom_filter(0.01) GRANULARITY 4,
    INDEX model_idx model TYPE set(256) GRANULARITY 4`,
  engine: 'ReplacingMergeTree(version)',
  // Project and hour first: every read is one project's time range. A span's identity follows;
  // nothing a later version may change (attribution, cost) is part of the key.
  orderBy: '(project_id, toStartOfHour(start_time), trace_id, span_id)',
  partitionBy: 'toYYYYMM(start_time)',
  shardBy: 'cityHash64(trace_id)',
};

export const SCORE_TABLE: TableDef = {
  name: 'scores',
  columns: `
    project_id LowCardinality(String),
    id String,
    trace_id String,
    span_id Nullable(String),
    name LowCardinality(String),
    data_type LowCardinality(String),
    numeric_value Nullable(Float64),
    string_value Nullable(String),
    comment Nullable(String),
    source LowCardinality(String),
    timestamp DateTime64(6, 'UTC'),
    user_id Nullable(String),
    version UInt64,
    INDEX trace_idx trace_id TYPE bloom_filter(0.01) GRANULARITY 4`,
  engine: 'ReplacingMergeTree(version)',
  orderBy: '(project_id, id)',
  shardBy: 'cityHash64(trace_id)',
};

export const LOG_TABLE: TableDef = {
  name: 'logs',
  columns: `
    project_id LowCardinality(String),
    id String,
    trace_id Nullable(String),
    span_id Nullable(String),
    timestamp DateTime64(6, 'UTC'),
    severity LowCardinality(String),
    body String CODEC(ZSTD(3)),
    attributes Map(String, String),
    version UInt64,
    INDEX trace_idx trace_id TYPE bloom_filter(0.01) GRANULARITY 4`,
  engine: 'ReplacingMergeTree(version)',
  orderBy: '(project_id, id)',
  shardBy: 'cityHash64(coalesce(trace_id, id))',
};

export const METRIC_POINT_TABLE: TableDef = {
  name: 'metric_points',
  columns: `
    project_id LowCardinality(String),
    id String,
    name LowCardinality(String),
    unit LowCardinality(String),
    kind LowCardinality(String),
    temporality LowCardinality(String),
    attributes Map(String, String),
    series String,
    service ${LC},
    start_time Nullable(DateTime64(6, 'UTC')),
    time DateTime64(6, 'UTC'),
    value Nullable(Float64),
    count Nullable(Int64),
    sum Nullable(Float64),
    min Nullable(Float64),
    max Nullable(Float64),
    bucket_counts Array(Int64),
    bounds Array(Float64),
    version UInt64`,
  engine: 'ReplacingMergeTree(version)',
  orderBy: '(project_id, name, id)',
  shardBy: 'cityHash64(id)',
};

// Control plane. `deleted` marks a row removed (ReplacingMergeTree's is_deleted column), so a
// delete is a newer version like any other change.
export const PROJECT_TABLE: TableDef = {
  name: 'projects',
  columns: `
    id String,
    name String,
    content_capture LowCardinality(String),
    created_at DateTime64(3, 'UTC'),
    version UInt64,
    deleted UInt8 DEFAULT 0`,
  engine: 'ReplacingMergeTree(version, deleted)',
  orderBy: 'id',
};

export const API_KEY_TABLE: TableDef = {
  name: 'api_keys',
  columns: `
    id String,
    project_id String,
    key_hash String,
    key_prefix String,
    scope LowCardinality(String),
    name Nullable(String),
    created_at DateTime64(3, 'UTC'),
    revoked_at Nullable(DateTime64(3, 'UTC')),
    version UInt64,
    deleted UInt8 DEFAULT 0`,
  engine: 'ReplacingMergeTree(version, deleted)',
  orderBy: 'id',
};

export const PRICE_OVERRIDE_TABLE: TableDef = {
  name: 'price_overrides',
  columns: `
    id String,
    provider Nullable(String),
    model String,
    effective_from DateTime64(3, 'UTC'),
    effective_to Nullable(DateTime64(3, 'UTC')),
    input_per_mtok_usd Float64,
    output_per_mtok_usd Float64,
    cache_read_per_mtok_usd Nullable(Float64),
    cache_write_per_mtok_usd Nullable(Float64),
    reasoning_per_mtok_usd Nullable(Float64),
    audio_per_mtok_usd Nullable(Float64),
    source LowCardinality(String),
    created_at DateTime64(3, 'UTC'),
    version UInt64,
    deleted UInt8 DEFAULT 0`,
  engine: 'ReplacingMergeTree(version, deleted)',
  orderBy: 'id',
};

// Documents several nodes share (store/documents.ts), whole, newest version wins.
export const DOCUMENT_TABLE: TableDef = {
  name: 'documents',
  columns: `
    name String,
    body String CODEC(ZSTD(3)),
    version UInt64`,
  engine: 'ReplacingMergeTree(version)',
  orderBy: 'name',
};

// Leases: who holds each, until when. Every claim is a new version; the newest wins.
export const LEASE_TABLE: TableDef = {
  name: 'leases',
  columns: `
    name String,
    holder String,
    expires_at DateTime64(3, 'UTC'),
    version UInt64`,
  engine: 'ReplacingMergeTree(version)',
  orderBy: 'name',
};

// Per-hour call totals (hour-totals.ts): per project, closed hour and (model, provider, kind,
// status), the sums the analytics read for whole hours instead of the spans. Control-plane style:
// a full copy on every shard, so a statement reading the Distributed spans reads these from the
// node it runs on. A re-summed hour is a newer version of its rows; a group gone from it, a
// `deleted` one. model and provider may be NULL, hence a nullable sorting key.
export const CALL_HOUR_TABLE: TableDef = {
  name: 'call_hours',
  columns: `
    project_id LowCardinality(String),
    hour DateTime('UTC'),
    model ${LC},
    provider ${LC},
    kind LowCardinality(String),
    status LowCardinality(String),
    n UInt64,
    known_n UInt64,
    unknown_n UInt64,
    cost_nano Nullable(Int64),
    input_tokens Int64,
    output_tokens Int64,
    cache_read_tokens Int64,
    cache_write_tokens Int64,
    reasoning_tokens Int64,
    audio_tokens Int64,
    total_tokens Int64,
    priced_tokens Int64,
    version UInt64,
    deleted UInt8 DEFAULT 0`,
  engine: 'ReplacingMergeTree(version, deleted)',
  orderBy: '(project_id, hour, model, provider, kind, status)',
  settings: 'allow_nullable_key = 1',
};

// How far the hours are summed: one row (id 1), newest version wins.
export const CALL_HOUR_STATE_TABLE: TableDef = {
  name: 'call_hours_state',
  columns: `
    id UInt8,
    summed_until DateTime('UTC'),
    version UInt64`,
  engine: 'ReplacingMergeTree(version)',
  orderBy: 'id',
};

// Summed hours that later spans or new costs changed: summed again by the next refresh, read
// from the spans until then. A mark is removed by a deleted row of the version it was read at,
// so a mark made meanwhile (a newer version) stays.
export const CALL_HOUR_DIRTY_TABLE: TableDef = {
  name: 'call_hours_dirty',
  columns: `
    hour DateTime('UTC'),
    version UInt64,
    deleted UInt8 DEFAULT 0`,
  engine: 'ReplacingMergeTree(version, deleted)',
  orderBy: 'hour',
};

// Hours whose spans retention has deleted, per project: before `retained_until` the totals are all
// that is left of the project, so a refresh that sums such an hour again (another project's late
// span made it dirty) keeps the project's rows as they are. The row of project '*' holds the
// server-wide backstop: with `trailing_s` > 0 every project's hours older than that many seconds
// are retained too (the tables' TTL deletes their spans without Lookout, retention.ts).
export const CALL_HOUR_RETAINED_TABLE: TableDef = {
  name: 'call_hours_retained',
  columns: `
    project_id String,
    retained_until DateTime('UTC'),
    trailing_s UInt32 DEFAULT 0,
    version UInt64`,
  engine: 'ReplacingMergeTree(version)',
  orderBy: 'project_id',
};

// D7: the prompt registry (store/prompts.ts, clickhouse/prompts.ts), control-plane style. Writes
// take turns under a lease; a version's row is also keyed by a claim id, so that two writers of
// the same number would keep both rows: the first by (created_at, id) holds the number, the other
// withdraws (`deleted`) and takes the next one. A row whose insert failed on a shard is withdrawn
// the same way. `version` is the row's version, `prompt_version` the number.
export const PROMPT_VERSION_TABLE: TableDef = {
  name: 'prompt_versions',
  columns: `
    project_id String,
    name String,
    prompt_version UInt32,
    id String,
    type LowCardinality(String),
    body String CODEC(ZSTD(3)),
    model Nullable(String),
    parameters Nullable(String),
    message Nullable(String),
    created_at DateTime64(3, 'UTC'),
    created_by Nullable(String),
    version UInt64,
    deleted UInt8 DEFAULT 0`,
  engine: 'ReplacingMergeTree(version, deleted)',
  orderBy: '(project_id, name, prompt_version, id)',
};

// A label's newest version wins: moving it is a newer row, removing it a `deleted` one.
export const PROMPT_LABEL_TABLE: TableDef = {
  name: 'prompt_labels',
  columns: `
    project_id String,
    name String,
    label String,
    prompt_version UInt32,
    updated_at DateTime64(3, 'UTC'),
    updated_by Nullable(String),
    version UInt64,
    deleted UInt8 DEFAULT 0`,
  engine: 'ReplacingMergeTree(version, deleted)',
  orderBy: '(project_id, name, label)',
};

// E4: people who sign in (store/people.ts, clickhouse/people.ts), control-plane style. A change is
// a newer version of the row; `deleted` removes it. Emails are kept lower-cased; creations of one
// address take turns under a lease and read back, so an address belongs to one live user.
export const USER_TABLE: TableDef = {
  name: 'users',
  columns: `
    id String,
    email String,
    name Nullable(String),
    source LowCardinality(String),
    password_hash Nullable(String),
    created_at DateTime64(3, 'UTC'),
    disabled_at Nullable(DateTime64(3, 'UTC')),
    version UInt64,
    deleted UInt8 DEFAULT 0`,
  engine: 'ReplacingMergeTree(version, deleted)',
  orderBy: 'id',
};

// A person's role in a project: one row per (user, project); a removed role is a `deleted` one.
export const USER_MEMBERSHIP_TABLE: TableDef = {
  name: 'user_memberships',
  columns: `
    user_id String,
    project_id String,
    role LowCardinality(String),
    version UInt64,
    deleted UInt8 DEFAULT 0`,
  engine: 'ReplacingMergeTree(version, deleted)',
  orderBy: '(user_id, project_id)',
};

// When each person last signed in, apart from their row: a sign-in writes only this, so it never
// reads and writes the user's row again (where it could undo a change another node made to it
// meanwhile, such as disabling them).
export const USER_SIGN_IN_TABLE: TableDef = {
  name: 'user_sign_ins',
  columns: `
    user_id String,
    last_sign_in_at DateTime64(3, 'UTC'),
    version UInt64`,
  engine: 'ReplacingMergeTree(version)',
  orderBy: 'user_id',
};

// Server-side sessions, by the hash of the cookie's session id. Writing a session again (its idle
// expiry moved on) is a newer version; signing out, a `deleted` one with the same expiry, so that
// the purge of expired sessions takes both at once. A tombstone's version is higher than any a
// write can have (clickhouse/people.ts), so a late write never brings a session back.
export const SESSION_TABLE: TableDef = {
  name: 'sessions',
  columns: `
    id String,
    user_id String,
    data String CODEC(ZSTD(3)),
    created_at DateTime64(3, 'UTC'),
    expires_at DateTime64(3, 'UTC'),
    version UInt64,
    deleted UInt8 DEFAULT 0`,
  engine: 'ReplacingMergeTree(version, deleted)',
  orderBy: 'id',
};

// The audit log (store/audit.ts): append-only, a plain MergeTree. A full copy on every shard, like
// the other control-plane tables, rather than one shard per project: entries are few (changes made
// by people and keys, sign-ins), every node answers the audit tab and the operator's all-projects
// view from its own copy without a Distributed fan-out, and a stopped shard stops neither the
// reads (the first shard that answers) nor leaves a hole in any project's history.
export const AUDIT_TABLE: TableDef = {
  name: 'audit_log',
  columns: `
    id String,
    at DateTime64(3, 'UTC'),
    project_id LowCardinality(String),
    actor_kind LowCardinality(String),
    actor_id Nullable(String),
    actor_email Nullable(String),
    ip Nullable(String),
    user_agent Nullable(String),
    action LowCardinality(String),
    target Nullable(String),
    method LowCardinality(Nullable(String)),
    path Nullable(String),
    status UInt16,
    details Nullable(String) CODEC(ZSTD(3))`,
  engine: 'MergeTree',
  orderBy: '(project_id, at, id)',
  partitionBy: 'toYYYYMM(at)',
};

export const CH_MIGRATIONS: ChMigration[] = [
  {
    version: 1,
    name: 'initial',
    tables: [SPAN_TABLE, SCORE_TABLE, LOG_TABLE, METRIC_POINT_TABLE, PROJECT_TABLE, API_KEY_TABLE, PRICE_OVERRIDE_TABLE],
  },
  {
    version: 2,
    name: 'shared documents and leases',
    tables: [DOCUMENT_TABLE, LEASE_TABLE],
  },
  {
    version: 3,
    name: 'per-hour call totals',
    tables: [CALL_HOUR_TABLE, CALL_HOUR_STATE_TABLE, CALL_HOUR_DIRTY_TABLE],
  },
  {
    version: 4,
    name: 'score context and metadata',
    // The scored trace's feature, model and application (filled from its spans), so quality can
    // be grouped like cost; and what an evaluator says about its score.
    tables: [],
    addColumns: [{ table: SCORE_TABLE, columns: [`feature ${LC}`, `model ${LC}`, `application ${LC}`, 'metadata Map(String, String)'] }],
  },
  {
    version: 5,
    name: 'retained hours',
    tables: [CALL_HOUR_RETAINED_TABLE],
  },
  {
    version: 6,
    name: 'prompt registry',
    tables: [PROMPT_VERSION_TABLE, PROMPT_LABEL_TABLE],
  },
  {
    version: 7,
    name: 'people, sessions and the audit log',
    tables: [USER_TABLE, USER_MEMBERSHIP_TABLE, USER_SIGN_IN_TABLE, SESSION_TABLE, AUDIT_TABLE],
  },
  {
    version: 8,
    name: 'sessions valid from, OpenID Connect subject',
    // A person's sessions signed in before sessions_valid_from_ms have ended; an OIDC account keeps
    // the issuer and subject of its first sign-in.
    tables: [],
    addColumns: [{ table: USER_TABLE, columns: ['sessions_valid_from_ms Nullable(Int64)', 'oidc_issuer Nullable(String)', 'oidc_subject Nullable(String)'] }],
  },
];
