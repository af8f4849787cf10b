import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describeIssue } from '../server/errors.ts';
import { parseDurationMs } from '../alerts/rules/schema.ts';
import { DEFAULT_NOTIFICATIONS, notificationsSchema } from '../alerts/notifications/config.ts';
import { actionsSchema } from '../alerts/actions/schema.ts';

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
    ingest: z
      .object({
        maxBodyBytes: z.coerce.number().int().positive().default(16 * 1024 * 1024),
        maxBatchItems: z.coerce.number().int().positive().default(10_000),
        // Rows waiting to be committed; past this, ingest answers 429 with Retry-After.
        maxQueueRows: z.coerce.number().int().positive().default(200_000),
        // Rows committed in one transaction at most.
        maxWriteBatchRows: z.coerce.number().int().positive().default(20_000),
      })
      .strict()
      .default({ maxBodyBytes: 16 * 1024 * 1024, maxBatchItems: 10_000, maxQueueRows: 200_000, maxWriteBatchRows: 20_000 }),
    pricing: z
      .object({ overridesFile: z.string().min(1).nullable().default(null) })
      .strict()
      .default({ overridesFile: null }),
    alerts: z
      .object({
        // How often every rule of every project is evaluated.
        evaluationInterval: z
          .string()
          .refine((v) => (parseDurationMs(v) ?? 0) >= 1000, "must be a duration of at least 1s, such as '30s' or '1m'")
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
    storage: z
      .object({
        memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, "must look like '1GB'").default('1GB'),
        // Nice value of the threads that run store queries and loads and journal writes (Linux):
        // higher lets request handling go first on a busy machine; 0 leaves them as they are.
        backgroundNice: z.coerce.number().int().min(0).max(19).default(10),
      })
      .strict()
      .default({ memoryLimit: '1GB', backgroundNice: 10 }),
  })
  .strict();

export type LookoutConfig = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

// Environment variable -> path in the config.
export const ENV_VARS: Record<string, string[]> = {
  LOOKOUT_HOST: ['host'],
  LOOKOUT_PORT: ['port'],
  LOOKOUT_GRPC_PORT: ['grpcPort'],
  LOOKOUT_DATA_DIR: ['dataDir'],
  LOOKOUT_LOG_LEVEL: ['logLevel'],
  LOOKOUT_REQUIRE_API_KEYS: ['requireApiKeys'],
  LOOKOUT_PRICES_FILE: ['pricing', 'overridesFile'],
  LOOKOUT_MAX_BODY_BYTES: ['ingest', 'maxBodyBytes'],
  LOOKOUT_MAX_QUEUE_ROWS: ['ingest', 'maxQueueRows'],
  LOOKOUT_MEMORY_LIMIT: ['storage', 'memoryLimit'],
  LOOKOUT_BACKGROUND_NICE: ['storage', 'backgroundNice'],
  LOOKOUT_ALERTS_INTERVAL: ['alerts', 'evaluationInterval'],
  LOOKOUT_OPENAI_BASE_URL: ['gateway', 'openaiBaseUrl'],
  LOOKOUT_ANTHROPIC_BASE_URL: ['gateway', 'anthropicBaseUrl'],
  LOOKOUT_GATEWAY_MAX_BODY_BYTES: ['gateway', 'maxBodyBytes'],
  LOOKOUT_GATEWAY_RECORD_FLUSH_MS: ['gateway', 'recordFlushMs'],
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
      const where = origin.get(issue.path.join('.')) ?? (file ? `config file ${file}` : 'config');
      return `  ${describeIssue(issue.path, issue.message)} (from ${where})`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  return { ...config, dataDir: resolve(config.dataDir) };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function keysRequired(config: Pick<LookoutConfig, 'host' | 'requireApiKeys'>): boolean {
  if (config.requireApiKeys === 'always') return true;
  if (config.requireApiKeys === 'never') return false;
  return !isLoopback(config.host);
}
