// Versioned schema for the embedded DuckDB store. A migration never changes once released:
// add a new one. Applied in order inside one transaction each; schema_migrations records them.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial',
    sql: `
CREATE TABLE projects (
  id VARCHAR PRIMARY KEY,
  name VARCHAR NOT NULL,
  content_capture VARCHAR NOT NULL DEFAULT 'full',
  created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
INSERT INTO projects (id, name) VALUES ('default', 'Default project');

CREATE TABLE api_keys (
  id VARCHAR PRIMARY KEY,
  project_id VARCHAR NOT NULL,
  key_hash VARCHAR NOT NULL UNIQUE,
  key_prefix VARCHAR NOT NULL,
  scope VARCHAR NOT NULL,
  name VARCHAR,
  created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
  revoked_at TIMESTAMP
);

-- One row per span. Usage buckets never overlap; cost_usd is NULL when the cost is unknown.
CREATE TABLE spans (
  project_id VARCHAR NOT NULL,
  trace_id VARCHAR NOT NULL,
  span_id VARCHAR NOT NULL,
  parent_span_id VARCHAR,
  name VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  start_time TIMESTAMP NOT NULL,
  end_time TIMESTAMP NOT NULL,
  duration_ms DOUBLE NOT NULL,
  provider VARCHAR,
  request_model VARCHAR,
  response_model VARCHAR,
  model VARCHAR,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cache_read_tokens BIGINT NOT NULL,
  cache_write_tokens BIGINT NOT NULL,
  reasoning_tokens BIGINT NOT NULL,
  audio_tokens BIGINT NOT NULL,
  total_tokens BIGINT NOT NULL,
  cost_status VARCHAR NOT NULL,
  cost_usd DECIMAL(18, 9),
  cost_breakdown VARCHAR,
  price_row_id VARCHAR,
  catalog_version VARCHAR,
  status VARCHAR NOT NULL,
  error_class VARCHAR,
  error_message VARCHAR,
  finish_reason VARCHAR,
  ttft_ms DOUBLE,
  user_id VARCHAR,
  session_id VARCHAR,
  feature VARCHAR,
  team VARCHAR,
  department VARCHAR,
  application VARCHAR,
  environment VARCHAR,
  tags VARCHAR[],
  metadata MAP(VARCHAR, VARCHAR),
  input_content VARCHAR,
  output_content VARCHAR,
  prompt_hash VARCHAR,
  response_hash VARCHAR,
  request_id VARCHAR,
  ingested_at TIMESTAMP NOT NULL
);

CREATE TABLE scores (
  project_id VARCHAR NOT NULL,
  id VARCHAR NOT NULL,
  trace_id VARCHAR NOT NULL,
  span_id VARCHAR,
  name VARCHAR NOT NULL,
  data_type VARCHAR NOT NULL,
  numeric_value DOUBLE,
  string_value VARCHAR,
  comment VARCHAR,
  source VARCHAR NOT NULL,
  timestamp TIMESTAMP NOT NULL,
  user_id VARCHAR,
  PRIMARY KEY (project_id, id)
);

CREATE TABLE logs (
  project_id VARCHAR NOT NULL,
  id VARCHAR NOT NULL,
  trace_id VARCHAR,
  span_id VARCHAR,
  timestamp TIMESTAMP NOT NULL,
  severity VARCHAR NOT NULL,
  body VARCHAR NOT NULL,
  attributes MAP(VARCHAR, VARCHAR),
  PRIMARY KEY (project_id, id)
);

CREATE TABLE price_overrides (
  id VARCHAR PRIMARY KEY,
  provider VARCHAR,
  model VARCHAR NOT NULL,
  effective_from TIMESTAMP NOT NULL,
  effective_to TIMESTAMP,
  input_per_mtok_usd DOUBLE NOT NULL,
  output_per_mtok_usd DOUBLE NOT NULL,
  cache_read_per_mtok_usd DOUBLE,
  cache_write_per_mtok_usd DOUBLE,
  reasoning_per_mtok_usd DOUBLE,
  audio_per_mtok_usd DOUBLE,
  source VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
);
`,
  },
  {
    version: 2,
    name: 'otlp metric points',
    sql: `
CREATE TABLE metric_points (
  project_id VARCHAR NOT NULL,
  id VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  unit VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  temporality VARCHAR NOT NULL,
  attributes MAP(VARCHAR, VARCHAR),
  series VARCHAR NOT NULL,
  service VARCHAR,
  start_time TIMESTAMP,
  time TIMESTAMP NOT NULL,
  value DOUBLE,
  count BIGINT,
  sum DOUBLE,
  min DOUBLE,
  max DOUBLE,
  bucket_counts BIGINT[],
  bounds DOUBLE[],
  PRIMARY KEY (project_id, id)
);
`,
  },
  {
    version: 3,
    name: 'hourly call totals',
    // Closed hours of calls summed by (model, provider, kind, status): long-range totals and
    // series read these instead of every row (hour-rollups.ts).
    sql: `
CREATE TABLE call_hours (
  project_id VARCHAR NOT NULL,
  hour TIMESTAMP NOT NULL,
  model VARCHAR,
  provider VARCHAR,
  kind VARCHAR NOT NULL,
  status VARCHAR NOT NULL,
  n BIGINT NOT NULL,
  known_n BIGINT NOT NULL,
  unknown_n BIGINT NOT NULL,
  cost_usd DECIMAL(38, 9),
  input_tokens HUGEINT NOT NULL,
  output_tokens HUGEINT NOT NULL,
  cache_read_tokens HUGEINT NOT NULL,
  cache_write_tokens HUGEINT NOT NULL,
  reasoning_tokens HUGEINT NOT NULL,
  audio_tokens HUGEINT NOT NULL,
  total_tokens HUGEINT NOT NULL,
  priced_tokens HUGEINT NOT NULL
);
CREATE TABLE call_hours_state (id INTEGER PRIMARY KEY, summed_until_us BIGINT NOT NULL);
INSERT INTO call_hours_state VALUES (1, 0);
CREATE TABLE call_hours_dirty (hour_us BIGINT PRIMARY KEY);
`,
  },
  {
    version: 4,
    name: 'score context and metadata',
    // The scored trace's feature, model and application (filled from its spans), so quality can
    // be grouped like cost; and what an evaluator says about its score.
    sql: `
ALTER TABLE scores ADD COLUMN feature VARCHAR;
ALTER TABLE scores ADD COLUMN model VARCHAR;
ALTER TABLE scores ADD COLUMN application VARCHAR;
ALTER TABLE scores ADD COLUMN metadata MAP(VARCHAR, VARCHAR);
`,
  },
  {
    version: 5,
    name: 'hourly totals kept past span retention',
    // Per project, the hour before which retention has deleted spans: those hours' totals are
    // the only record left of them, so summing again never empties them (hour-rollups.ts).
    sql: `
CREATE TABLE call_hours_retained (project_id VARCHAR PRIMARY KEY, until_us BIGINT NOT NULL);
`,
  },
  {
    version: 6,
    name: 'prompt registry',
    // D7: each prompt's versions (never changed once written) and its labels (store/prompts.ts).
    // The prompt is JSON text: a string, or chat messages.
    sql: `
CREATE TABLE prompt_versions (
  project_id VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  version INTEGER NOT NULL,
  type VARCHAR NOT NULL,
  body VARCHAR NOT NULL,
  model VARCHAR,
  parameters VARCHAR,
  message VARCHAR,
  created_ms BIGINT NOT NULL,
  created_by VARCHAR,
  PRIMARY KEY (project_id, name, version)
);
CREATE TABLE prompt_labels (
  project_id VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  label VARCHAR NOT NULL,
  version INTEGER NOT NULL,
  updated_ms BIGINT NOT NULL,
  updated_by VARCHAR,
  PRIMARY KEY (project_id, name, label)
);
`,
  },
  {
    version: 7,
    name: 'people, sessions and the audit log',
    // E4: people who sign in (store/people.ts), their roles per project, their server-side
    // sessions (keyed by a hash of the cookie's session id), and the append-only audit log
    // (store/audit.ts). Emails are kept lower-cased, so UNIQUE is case-blind.
    sql: `
CREATE TABLE users (
  id VARCHAR PRIMARY KEY,
  email VARCHAR NOT NULL UNIQUE,
  name VARCHAR,
  source VARCHAR NOT NULL,
  password_hash VARCHAR,
  created_at TIMESTAMP NOT NULL,
  last_sign_in_at TIMESTAMP,
  disabled_at TIMESTAMP
);
CREATE TABLE user_memberships (
  user_id VARCHAR NOT NULL,
  project_id VARCHAR NOT NULL,
  role VARCHAR NOT NULL,
  PRIMARY KEY (user_id, project_id)
);
CREATE TABLE sessions (
  id VARCHAR PRIMARY KEY,
  user_id VARCHAR NOT NULL,
  data VARCHAR NOT NULL,
  created_at TIMESTAMP NOT NULL,
  expires_at TIMESTAMP NOT NULL
);
CREATE TABLE audit_log (
  id VARCHAR NOT NULL,
  "at" TIMESTAMP NOT NULL,
  project_id VARCHAR NOT NULL,
  actor_kind VARCHAR NOT NULL,
  actor_id VARCHAR,
  actor_email VARCHAR,
  ip VARCHAR,
  user_agent VARCHAR,
  action VARCHAR NOT NULL,
  target VARCHAR,
  method VARCHAR,
  path VARCHAR,
  status INTEGER NOT NULL,
  details VARCHAR
);
`,
  },
  {
    version: 8,
    name: 'sessions valid from, OpenID Connect subject',
    // E4: a person's sessions signed in before sessions_valid_from_ms have ended (a password
    // change, disabling, signing out everywhere); an OIDC account keeps the issuer and subject of
    // its first sign-in, so that another subject with the same email is refused.
    sql: `
ALTER TABLE users ADD COLUMN sessions_valid_from_ms BIGINT;
ALTER TABLE users ADD COLUMN oidc_issuer VARCHAR;
ALTER TABLE users ADD COLUMN oidc_subject VARCHAR;
`,
  },
];
