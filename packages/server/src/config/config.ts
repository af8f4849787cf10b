import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describeIssue, LookoutError } from '../errors.ts';
import { SECOND_MS, tryParseDuration } from '../domain/time.ts';
import { DEFAULT_NOTIFICATIONS, notificationsSchema } from '../alerts/notifications/config.ts';
import { actionsSchema } from '../alerts/actions/schema.ts';
import { applyPrivacyInput, defaultPrivacySettings, privacySettingsInputSchema } from '../enrich/redact/settings.ts';
import { configuredEvaluatorsSchema } from '../quality/evaluators/config.ts';
import { RETENTION_DEFAULTS, retentionConfigSchema } from './retention.ts';
import { contextWindowsSchema } from '../enrich/pricing/context-windows.ts';
import { AUDIT_DEFAULTS, AUTH_DEFAULTS, AUTH_ENV_VARS, auditConfigSchema, authConfigSchema } from './auth.ts';

// One schema for the config file and the environment. The file is YAML or JSON; environment
// variables win over it; command-line flags win over both. Anything invalid stops start-up
// with a message that names the setting and where it came from.

const port = z.coerce.number().int('must be a whole number').min(0).max(65535, 'must be at most 65535');
const httpUrl = z
  .string()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && !u.search && !u.hash;
    } catch {
      return false;
    }
  }, "must be an http(s) URL without a query, such as 'https://api.openai.com/v1'");

const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
const timeoutMs = z.coerce.number().int('must be a whole number of milliseconds').min(0);
// A list from a file is a YAML/JSON array; from the environment, comma-separated.
const list = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(item));
// 'lookout.internal' (any port) or 'lookout.internal:8443'; IPv6 in brackets.
const hostName = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .refine((v) => /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:\d{1,5})?$/.test(v), "must be a host name with an optional port, such as 'lookout.internal' or 'lookout.internal:8443'");
// An origin exactly as a browser sends it: scheme, host and port only.
const origin = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v;
  } catch {
    return false;
  }
}, "must be an origin such as 'https://lookout.example.com' (scheme, host and optional port; no path or trailing slash)");

export const STORAGE_BACKENDS = ['duckdb', 'clickhouse'] as const;
export type StorageBackend = (typeof STORAGE_BACKENDS)[number];

const SERVER_DEFAULTS = {
  allowedHosts: [] as string[],
  allowedOrigins: [] as string[],
  trustProxy: false,
  // Until the whole request (headers and body) has been received; not the response, so the
  // gateway's long completions and streams are not cut by it.
  requestTimeoutMs: 120_000,
  headersTimeoutMs: 30_000,
  // Idle keep-alive connections; longer than the usual 60 s of load balancers in front.
  keepAliveTimeoutMs: 72_000,
  // A socket with no traffic either way: longer than the gateway waits on an upstream.
  connectionTimeoutMs: 660_000,
};

// ClickHouse (storage.backend: clickhouse): one HTTP endpoint per shard; several shards need the
// name of the cluster their servers list in `remote_servers`.
const clickhouseUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const clickhouseSchema = z
  .object({
    url: list(clickhouseUrl).pipe(z.array(clickhouseUrl).max(64, 'must list at most 64 shards')).default([]),
    cluster: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'must be a cluster name from remote_servers').nullable().default(null),
    database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a plain database name').default('lookout'),
    user: z.string().max(256).default('default'),
    password: z.string().max(1024).default(''),
    // CA certificate (PEM file) for https:// endpoints signed by a private CA.
    caFile: z.string().nullable().default(null),
    // Create tables with ON CLUSTER (the cluster has Keeper); otherwise Lookout creates them on
    // every listed shard itself.
    onCluster: flag.default(false),
  })
  .strict();
const CLICKHOUSE_DEFAULTS = { url: [], cluster: null, database: 'lookout', user: 'default', password: '', caFile: null, onCluster: false };
export type ClickHouseConfig = z.output<typeof clickhouseSchema>;

export const configSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(4318),
    // OTLP/gRPC (traces and logs); 0 picks a free port.
    grpcPort: port.default(4317),
    dataDir: z.string().min(1).default('./lookout-data'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Keys: 'auto' requires them unless the server listens on loopback only.
    requireApiKeys: z.enum(['auto', 'always', 'never']).default('auto'),
    // The HTTP edge (docs/configuration.md#server): who may reach the API from where.
    server: z
      .object({
        // Host names answered besides loopback ones while keys are not required (DNS rebinding);
        // when set, enforced with keys too.
        allowedHosts: list(hostName).default([]),
        // Web origins other than the server's own that may send state-changing requests.
        allowedOrigins: list(origin).default([]),
        // Behind a reverse proxy or TLS terminator: forwarded requests are expected, and keys are
        // required from everyone.
        trustProxy: flag.default(false),
        requestTimeoutMs: timeoutMs.default(SERVER_DEFAULTS.requestTimeoutMs),
        headersTimeoutMs: timeoutMs.min(1, 'must be at least 1').default(SERVER_DEFAULTS.headersTimeoutMs),
        keepAliveTimeoutMs: timeoutMs.min(1, 'must be at least 1').default(SERVER_DEFAULTS.keepAliveTimeoutMs),
        connectionTimeoutMs: timeoutMs.default(SERVER_DEFAULTS.connectionTimeoutMs),
      })
      .strict()
      .default(SERVER_DEFAULTS),
    metrics: z
      .object({
        // /metrics answers only with a read or admin key of the default project (it covers every project).
        requireKey: flag.default(false),
      })
      .strict()
      .default({ requireKey: false }),
    ingest: z
      .object({
        maxBodyBytes: z.coerce.number().int().positive().default(16 * 1024 * 1024),
        maxBatchItems: z.coerce.number().int().positive().default(10_000),
        // Rows waiting to be committed; past this, ingest answers 429 with Retry-After.
        maxQueueRows: z.coerce.number().int().positive().default(200_000),
        // Rows committed in one transaction at most.
        maxWriteBatchRows: z.coerce.number().int().positive().default(20_000),
        // Langfuse v3 ingestion: how long an observation not yet ended, or a trace, waits for more
        // events before it is written as it is (unset: 30 s).
        langfuseIdleMs: z.coerce.number().int().positive().max(3_600_000).optional(),
        // Worker threads that decode and map OTLP exports; unset: 1 on two cores or fewer, else
        // one per core but one. 0 does the work on the main thread. Blank is refused rather than
        // coerced to 0, which is a valid count here (elsewhere 0 is refused as too small).
        workers: z
          .preprocess((v, ctx) => {
            if (typeof v !== 'string' || v.trim() !== '') return v;
            ctx.addIssue({ code: 'custom', message: 'must be a whole number of threads from 0 to 64, not blank' });
            return z.NEVER;
          }, z.coerce.number().int().min(0, 'must be 0 or more').max(64, 'must be at most 64'))
          .optional(),
      })
      .strict()
      .default({ maxBodyBytes: 16 * 1024 * 1024, maxBatchItems: 10_000, maxQueueRows: 200_000, maxWriteBatchRows: 20_000 }),
    pricing: z
      .object({
        overridesFile: z.string().min(1).nullable().default(null),
        // C4: context windows in tokens by model ("gpt-4o") or provider and model
        // ("openai/my-fine-tune"), in place of the catalog's (store/context-windows.ts).
        contextWindows: contextWindowsSchema.default({}),
      })
      .strict()
      .default({ overridesFile: null, contextWindows: {} }),
    alerts: z
      .object({
        // How often every rule of every project is evaluated.
        evaluationInterval: z
          .string()
          .refine((v) => (tryParseDuration(v) ?? 0) >= SECOND_MS, "must be a duration of at least 1s, such as '30s' or '1m'")
          .default('30s'),
        // The default rule pack (docs/alerts.md); rules of the same id in `rules` replace its rules.
        defaultPack: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(true),
        // Rule files or directories of *.yaml rule files, loaded after the pack.
        rules: z.array(z.string().min(1)).default([]),
        // Receivers and routing (docs/notifications.md); none by default.
        notifications: notificationsSchema.default(DEFAULT_NOTIFICATIONS),
        // Automated responses the gateway applies while matching alerts fire (docs/actions.md).
        actions: actionsSchema.default([]),
      })
      .strict()
      .default({ evaluationInterval: '30s', defaultPack: true, rules: [], notifications: DEFAULT_NOTIFICATIONS, actions: [] }),
    budgets: z
      .object({
        // On a store several nodes share: how often the budget definitions and spend are read
        // again from it (another node's calls count here within this plus that node's load lag).
        refreshInterval: z
          .string()
          .refine((v) => (tryParseDuration(v) ?? 0) >= SECOND_MS, "must be a duration of at least 1s, such as '10s' or '1m'")
          .default('10s'),
      })
      .strict()
      .default({ refreshInterval: '10s' }),
    // E1/E2: the instance's privacy defaults (docs/privacy.md): what is done with each kind of
    // sensitive value found before anything is stored, and the gateway's injection policy. A
    // project's own settings (PUT /api/v1/privacy) replace them for that project.
    // `redact: false` turns the redactor off for the whole instance (values are then neither found
    // nor counted): for installs where every client already redacts before sending.
    privacy: z
      .object({ ...privacySettingsInputSchema.shape, redact: flag.default(true) })
      .strict()
      .default({ redact: true })
      .transform(({ redact, ...input }) => ({ redact, defaults: applyPrivacyInput(defaultPrivacySettings(), input) })),
    // D2: evaluators defined by the operator (docs/quality.md#evaluators), each for the project it
    // names or, naming none, for every project; read-only through the API.
    evaluators: configuredEvaluatorsSchema.default([]),
    // A8: the recording gateway (/proxy/openai/v1/*, /proxy/anthropic/v1/*). Each base URL is the
    // value the official SDK's `baseURL` takes, so any OpenAI-compatible server can be fronted.
    gateway: z
      .object({
        openaiBaseUrl: httpUrl.default('https://api.openai.com/v1'),
        anthropicBaseUrl: httpUrl.default('https://api.anthropic.com'),
        // Largest request body forwarded; larger ones get 413 in the provider's error format.
        maxBodyBytes: z.coerce.number().int().positive().default(32 * 1024 * 1024),
        connectTimeoutMs: z.coerce.number().int().positive().default(10_000),
        // Until the upstream's response headers arrive (a long non-streamed completion waits here).
        headersTimeoutMs: z.coerce.number().int().positive().default(600_000),
        // Between two chunks of the upstream's response body.
        bodyTimeoutMs: z.coerce.number().int().positive().default(300_000),
        // Keep-alive connections per upstream at most.
        connectionsPerUpstream: z.coerce.number().int().positive().default(512),
        // Recorded calls are gathered this long and written to the store together. Longer costs
        // the callers less (fewer journal writes and store loads) and loses more calls in a crash
        // (recording fails open: nothing waits for it).
        recordFlushMs: z.coerce.number().int().min(0).max(10_000).default(250),
      })
      .strict()
      .default({
        openaiBaseUrl: 'https://api.openai.com/v1',
        anthropicBaseUrl: 'https://api.anthropic.com',
        maxBodyBytes: 32 * 1024 * 1024,
        connectTimeoutMs: 10_000,
        headersTimeoutMs: 600_000,
        bodyTimeoutMs: 300_000,
        connectionsPerUpstream: 512,
        recordFlushMs: 250,
      }),
    // D2: the LLM judge (docs/quality.md#llm-as-judge), any OpenAI-compatible /chat/completions.
    // Without a base URL only llm_judge evaluators naming their own endpoint (judge.baseUrl, or the
    // demo judge's lookout-demo://judge) are judged; the others sample nothing.
    judge: z
      .object({
        baseUrl: httpUrl.nullable().default(null),
        model: z.string().min(1).max(200).default('gpt-4o-mini'),
        // The provider the judge's calls are priced as (catalog provider id).
        provider: z.string().min(1).max(100).default('openai'),
        apiKey: z.string().max(4096).nullable().default(null),
        // Judge calls in flight at once, and started per minute at most.
        concurrency: z.coerce.number().int().min(1).max(64).default(4),
        ratePerMinute: z.coerce.number().int().min(1).max(100_000).default(60),
        // How long after a sampled trace's call is accepted before it is judged, so the trace is complete.
        settleMs: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
        // One judge call, until its whole answer is read.
        timeoutMs: z.coerce.number().int().min(100).max(600_000).default(60_000),
        // Judge spend per project per UTC day; reached, sampling stops until the next day.
        dailyBudgetUsd: z.coerce.number().min(0).max(1_000_000).default(5),
        // Sampled traces waiting to be judged at most; past it new samples are dropped (counted).
        maxQueue: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
      })
      .strict()
      .default({
        baseUrl: null,
        model: 'gpt-4o-mini',
        provider: 'openai',
        apiKey: null,
        concurrency: 4,
        ratePerMinute: 60,
        settleMs: 30_000,
        timeoutMs: 60_000,
        dailyBudgetUsd: 5,
        maxQueue: 10_000,
      }),
    storage: z
      .object({
        // Which store keeps the records; every backend serves the same contract (store/store.ts).
        backend: z.enum(STORAGE_BACKENDS, { error: `must be one of ${STORAGE_BACKENDS.join(', ')}` }).default('duckdb'),
        memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, "must look like '1GB'").default('1GB'),
        // Nice value of the threads that run store queries and loads and journal writes (Linux):
        // higher lets request handling go first on a busy machine; 0 leaves them as they are.
        backgroundNice: z.coerce.number().int().min(0).max(19).default(10),
        // A store read running longer than this is stopped and answered with 503 query_timeout.
        queryTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(30_000),
        // Connections serving reads; one API key's reads hold at most all of them but one.
        readConnections: z.coerce.number().int().min(2).max(16).default(4),
        clickhouse: clickhouseSchema.default(CLICKHOUSE_DEFAULTS),
      })
      .strict()
      .superRefine((s, ctx) => {
        if (s.backend === 'clickhouse' && !s.clickhouse.url.length) {
          ctx.addIssue({ code: 'custom', path: ['clickhouse', 'url'], message: 'is required when storage.backend is clickhouse (LOOKOUT_CLICKHOUSE_URL)' });
        }
        if (s.clickhouse.url.length > 1 && !s.clickhouse.cluster) {
          ctx.addIssue({ code: 'custom', path: ['clickhouse', 'cluster'], message: 'is required when storage.clickhouse.url lists several shards (LOOKOUT_CLICKHOUSE_CLUSTER)' });
        }
      })
      .default({ backend: 'duckdb', memoryLimit: '1GB', backgroundNice: 10, queryTimeoutMs: 30_000, readConnections: 4, clickhouse: CLICKHOUSE_DEFAULTS }),
    // I3: the retention tiers every project gets unless it sets its own (docs/data-lifecycle.md#retention).
    retention: retentionConfigSchema.default(RETENTION_DEFAULTS),
    // I4: erasures delete this many rows per transaction, so ingest gets the writer between chunks.
    erasure: z
      .object({ chunkRows: z.coerce.number().int().min(1).max(1_000_000).default(10_000) })
      .strict()
      .default({ chunkRows: 10_000 }),
    // E4: sign-in for people (sessions, local accounts, OpenID Connect) and the audit log (config/auth.ts).
    auth: authConfigSchema.default(AUTH_DEFAULTS),
    audit: auditConfigSchema.default(AUDIT_DEFAULTS),
  })
  .strict();

export type LookoutConfig = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export class ConfigError extends LookoutError {
  override name = 'ConfigError';
  constructor(message: string) {
    super('invalid_config', message);
  }
}

// Environment variable -> path in the config.
export const ENV_VARS: Record<string, string[]> = {
  LOOKOUT_HOST: ['host'],
  LOOKOUT_PORT: ['port'],
  LOOKOUT_GRPC_PORT: ['grpcPort'],
  LOOKOUT_DATA_DIR: ['dataDir'],
  LOOKOUT_LOG_LEVEL: ['logLevel'],
  LOOKOUT_REQUIRE_API_KEYS: ['requireApiKeys'],
  LOOKOUT_ALLOWED_HOSTS: ['server', 'allowedHosts'],
  LOOKOUT_ALLOWED_ORIGINS: ['server', 'allowedOrigins'],
  LOOKOUT_TRUST_PROXY: ['server', 'trustProxy'],
  LOOKOUT_REQUEST_TIMEOUT_MS: ['server', 'requestTimeoutMs'],
  LOOKOUT_HEADERS_TIMEOUT_MS: ['server', 'headersTimeoutMs'],
  LOOKOUT_KEEP_ALIVE_TIMEOUT_MS: ['server', 'keepAliveTimeoutMs'],
  LOOKOUT_CONNECTION_TIMEOUT_MS: ['server', 'connectionTimeoutMs'],
  LOOKOUT_METRICS_REQUIRE_KEY: ['metrics', 'requireKey'],
  LOOKOUT_PRICES_FILE: ['pricing', 'overridesFile'],
  LOOKOUT_MAX_BODY_BYTES: ['ingest', 'maxBodyBytes'],
  LOOKOUT_MAX_QUEUE_ROWS: ['ingest', 'maxQueueRows'],
  LOOKOUT_INGEST_WORKERS: ['ingest', 'workers'],
  LOOKOUT_LANGFUSE_IDLE_MS: ['ingest', 'langfuseIdleMs'],
  LOOKOUT_STORAGE: ['storage', 'backend'],
  LOOKOUT_MEMORY_LIMIT: ['storage', 'memoryLimit'],
  LOOKOUT_BACKGROUND_NICE: ['storage', 'backgroundNice'],
  LOOKOUT_QUERY_TIMEOUT_MS: ['storage', 'queryTimeoutMs'],
  LOOKOUT_CLICKHOUSE_URL: ['storage', 'clickhouse', 'url'],
  LOOKOUT_CLICKHOUSE_CLUSTER: ['storage', 'clickhouse', 'cluster'],
  LOOKOUT_CLICKHOUSE_DATABASE: ['storage', 'clickhouse', 'database'],
  LOOKOUT_CLICKHOUSE_USER: ['storage', 'clickhouse', 'user'],
  LOOKOUT_CLICKHOUSE_PASSWORD: ['storage', 'clickhouse', 'password'],
  LOOKOUT_CLICKHOUSE_CA_FILE: ['storage', 'clickhouse', 'caFile'],
  LOOKOUT_CLICKHOUSE_ON_CLUSTER: ['storage', 'clickhouse', 'onCluster'],
  LOOKOUT_ALERTS_INTERVAL: ['alerts', 'evaluationInterval'],
  LOOKOUT_BUDGETS_REFRESH_INTERVAL: ['budgets', 'refreshInterval'],
  LOOKOUT_OPENAI_BASE_URL: ['gateway', 'openaiBaseUrl'],
  LOOKOUT_ANTHROPIC_BASE_URL: ['gateway', 'anthropicBaseUrl'],
  LOOKOUT_GATEWAY_MAX_BODY_BYTES: ['gateway', 'maxBodyBytes'],
  LOOKOUT_GATEWAY_RECORD_FLUSH_MS: ['gateway', 'recordFlushMs'],
  LOOKOUT_PRIVACY_REDACT: ['privacy', 'redact'],
  LOOKOUT_JUDGE_BASE_URL: ['judge', 'baseUrl'],
  LOOKOUT_JUDGE_MODEL: ['judge', 'model'],
  LOOKOUT_JUDGE_PROVIDER: ['judge', 'provider'],
  LOOKOUT_JUDGE_API_KEY: ['judge', 'apiKey'],
  LOOKOUT_JUDGE_CONCURRENCY: ['judge', 'concurrency'],
  LOOKOUT_JUDGE_RATE_PER_MINUTE: ['judge', 'ratePerMinute'],
  LOOKOUT_JUDGE_SETTLE_MS: ['judge', 'settleMs'],
  LOOKOUT_JUDGE_TIMEOUT_MS: ['judge', 'timeoutMs'],
  LOOKOUT_JUDGE_DAILY_BUDGET_USD: ['judge', 'dailyBudgetUsd'],
  LOOKOUT_JUDGE_MAX_QUEUE: ['judge', 'maxQueue'],
  LOOKOUT_RETENTION_CONTENT: ['retention', 'contentDays'],
  LOOKOUT_RETENTION_SPANS: ['retention', 'spansDays'],
  LOOKOUT_RETENTION_ROLLUPS: ['retention', 'rollupsDays'],
  LOOKOUT_ERASURE_CHUNK_ROWS: ['erasure', 'chunkRows'],
  ...AUTH_ENV_VARS,
};

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid YAML or JSON: ${(err as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new ConfigError(`config file ${path} must hold a mapping of settings`);
  return data as Record<string, unknown>;
}

export interface LoadConfigOptions {
  file?: string | null;
  env?: NodeJS.ProcessEnv;
  flags?: Record<string, unknown>; // already shaped like the config
}

export function loadConfig(options: LoadConfigOptions = {}): LookoutConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.LOOKOUT_CONFIG ?? null;
  const merged: Record<string, unknown> = file ? readConfigFile(file) : {};
  const origin = new Map<string, string>();
  for (const [name, path] of Object.entries(ENV_VARS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    setPath(merged, path, value);
    origin.set(path.join('.'), `environment variable ${name}`);
  }
  for (const [key, value] of Object.entries(options.flags ?? {})) {
    if (value === undefined) continue;
    setPath(merged, key.split('.'), value);
    origin.set(key, `option --${key}`);
  }
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      // An item of a list (server.allowedHosts.1) came from where the list came from.
      const from = issue.path.map(String).map((_, i, all) => origin.get(all.slice(0, all.length - i).join('.'))).find((o) => o !== undefined);
      const where = from ?? (file ? `config file ${file}` : 'config');
      return `  ${describeIssue(issue.path, issue.message)} (from ${where})`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  const conflicts = serverConflicts(config);
  if (conflicts.length > 0) throw new ConfigError(`invalid configuration:\n${conflicts.map((c) => `  ${c}`).join('\n')}`);
  return { ...config, dataDir: resolve(config.dataDir) };
}

// Settings that are valid alone but not together.
function serverConflicts(config: LookoutConfig): string[] {
  const out: string[] = [];
  const { server, gateway } = config;
  if (server.trustProxy && config.requireApiKeys === 'never') {
    out.push("server.trustProxy: behind a proxy every request looks local, so keys are required; requireApiKeys 'never' cannot go with it");
  }
  if (server.requestTimeoutMs !== 0 && server.headersTimeoutMs > server.requestTimeoutMs) {
    out.push(`server.headersTimeoutMs: must not exceed server.requestTimeoutMs (${server.requestTimeoutMs})`);
  }
  const upstreamWaitMs = Math.max(gateway.headersTimeoutMs, gateway.bodyTimeoutMs);
  if (server.connectionTimeoutMs !== 0 && server.connectionTimeoutMs <= upstreamWaitMs) {
    out.push(`server.connectionTimeoutMs: must be 0 (none) or longer than the gateway's upstream waits (${upstreamWaitMs} ms), or waiting gateway calls are cut`);
  }
  return out;
}

const loopbackAddresses = new BlockList();
loopbackAddresses.addSubnet('127.0.0.0', 8, 'ipv4');
loopbackAddresses.addAddress('::1', 'ipv6');

// Whether an address (a listen host, or a socket's peer) is this machine. Parsed, never a
// prefix test: '127.evil.example' is a name, not a loopback address. IPv4-mapped IPv6
// (::ffff:127.0.0.1) counts as its IPv4 address.
export function isLoopback(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  const family = isIP(bare);
  if (family === 4) return loopbackAddresses.check(bare, 'ipv4');
  if (family === 6) return loopbackAddresses.check(bare, 'ipv6');
  return false;
}

export function keysRequired(config: Pick<LookoutConfig, 'host' | 'requireApiKeys'> & { server?: Pick<LookoutConfig['server'], 'trustProxy'> }): boolean {
  if (config.requireApiKeys === 'always') return true;
  if (config.server?.trustProxy) return true;
  if (config.requireApiKeys === 'never') return false;
  return !isLoopback(config.host);
}
