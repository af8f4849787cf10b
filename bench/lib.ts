import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Shared pieces of the benchmarks: the machine, percentiles, a real server as a child process.
// Every benchmark prints ONE JSON line of results on stdout and its progress on stderr.

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_PATH = join(REPO_ROOT, 'packages', 'server', 'src', 'cli.ts');

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function machine(): Record<string, unknown> {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryMb: Math.round(totalmem() / 1024 / 1024),
    os: `${platform()} ${release()}`,
    node: process.version,
    // Others may share this machine; a load well above the CPU count makes every figure slower.
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function envInt(name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  return n;
}

// Nearest-rank percentile over a sorted copy.
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function median(values: number[]): number | null {
  return percentile(values, 50);
}

export function round(n: number | null, digits = 2): number | null {
  if (n === null || !Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function latencySummary(ms: number[]): { count: number; p50: number | null; p95: number | null; p99: number | null; max: number | null; mean: number | null } {
  return {
    count: ms.length,
    p50: round(percentile(ms, 50)),
    p95: round(percentile(ms, 95)),
    p99: round(percentile(ms, 99)),
    max: round(ms.length ? Math.max(...ms) : null),
    mean: round(ms.length ? ms.reduce((a, b) => a + b, 0) / ms.length : null),
  };
}

export function emit(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// Sizes of a DuckDB database file and its write-ahead log.
export function duckDbBytes(dataDir: string): { databaseBytes: number; walBytes: number } {
  const size = (p: string) => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  const db = join(dataDir, 'lookout.duckdb');
  return { databaseBytes: size(db), walBytes: size(`${db}.wal`) };
}

// Resident memory of a process from /proc (Linux): current and peak, in MB.
export function processRssMb(pid: number): { rssMb: number | null; peakRssMb: number | null } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Math.round(Number(m[1]) / 1024) : null;
    };
    return { rssMb: kb('VmRSS'), peakRssMb: kb('VmHWM') };
  } catch {
    return { rssMb: null, peakRssMb: null };
  }
}

export interface ServerProcess {
  url: string;
  grpcAddress: string | null; // host:port of OTLP/gRPC

  child: ChildProcess;
  output(): string; // the last lines the server printed
  stop(): Promise<number | null>;
}

const SERVER_START_TIMEOUT_MS = 60_000;
const SERVER_STOP_TIMEOUT_MS = 60_000;

// Starts `lookout serve` on a free loopback port (port 0: the kernel picks) with its own data
// directory, and waits until /readyz answers.
// `script` replaces the CLI by another entry point that starts the same server (bench/memory-server.ts);
// `startTimeoutMs`: a server opening millions of rows rebuilds its rollups before it listens.
export async function startServer(
  dataDir: string,
  env: Record<string, string> = {},
  options: { script?: string; startTimeoutMs?: number } = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [options.script ?? CLI_PATH, 'serve'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      LOOKOUT_HOST: '127.0.0.1',
      LOOKOUT_PORT: '0',
      LOOKOUT_GRPC_PORT: '0',
      LOOKOUT_DATA_DIR: dataDir,
      LOOKOUT_LOG_LEVEL: 'warn',
      // e.g. BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server alone.
      ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const startTimeoutMs = options.startTimeoutMs ?? SERVER_START_TIMEOUT_MS;
  const deadline = Date.now() + startTimeoutMs;
  let url: string | null = null;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} while starting:\n${output}`);
    const m = /Lookout listening on (http:\/\/\S+)/.exec(output);
    if (m) {
      url = m[1];
      break;
    }
    await sleep(50);
  }
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`the server did not print its address within ${startTimeoutMs} ms:\n${output}`);
  }
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|\[::1\]|localhost)(:\d+)?$/.test(url)) {
    child.kill('SIGKILL');
    throw new Error(`the server listens on ${url}, which is not a loopback address`);
  }
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      // not yet
    }
    await sleep(50);
  }
  return {
    url,
    grpcAddress: /OTLP\/gRPC listening on (\S+)/.exec(output)?.[1] ?? null,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), SERVER_STOP_TIMEOUT_MS);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

// ------------------------------------------------------------------------------------------
// Cheap request bodies: a batch is serialised once with holes for the first 16 hex characters
// of every trace id and for the start time; a request only splices a fresh prefix and the
// current time in, so the client spends its CPU on sending, not on JSON.stringify.

export const TRACE_PREFIX_HOLE = '@@PREFIX@@';
export const TIME_HOLE = '@@TIME@@';

export class BodyTemplate {
  private readonly parts: string[] = [];
  private readonly holes: ('prefix' | 'time')[] = [];
  readonly items: number;
  constructor(batch: Record<string, unknown>[]) {
    this.items = batch.length;
    const json = JSON.stringify({ batch });
    const quotedTime = JSON.stringify(TIME_HOLE);
    let last = 0;
    for (const m of json.matchAll(/@@PREFIX@@|"@@TIME@@"/g)) {
      this.parts.push(json.slice(last, m.index));
      this.holes.push(m[0] === quotedTime ? 'time' : 'prefix');
      last = m.index + m[0].length;
    }
    this.parts.push(json.slice(last));
  }
  render(prefix16: string, timeMs: number): string {
    const time = String(timeMs);
    let out = this.parts[0];
    for (let i = 0; i < this.holes.length; i++) out += (this.holes[i] === 'prefix' ? prefix16 : time) + this.parts[i + 1];
    return out;
  }
}

let requestCounter = 0;
const runNonce = Math.floor(Math.random() * 0xffff);

// 16 hex characters no other request of this run (or, very likely, of another run) used.
export function nextTracePrefix(): string {
  requestCounter++;
  return runNonce.toString(16).padStart(4, '0') + requestCounter.toString(16).padStart(12, '0');
}

export interface PostOutcome {
  status: number;
  accepted: number;
  retryAfterMs: number | null;
  ms: number;
}

const INGEST_TIMEOUT_MS = 60_000;
const MAX_RETRY_AFTER_MS = 5_000;

// One POST /api/v1/ingest. 429/503 are returned (the caller backs off); other failures throw.
export async function postIngest(url: string, body: string): Promise<PostOutcome> {
  const started = performance.now();
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(INGEST_TIMEOUT_MS),
  });
  const text = await r.text();
  const ms = performance.now() - started;
  let accepted = 0;
  if (r.status === 200 || r.status === 207) {
    // The count comes before the per-item results; no need to parse them all.
    const m = /"accepted":(\d+)/.exec(text);
    accepted = m ? Number(m[1]) : 0;
  } else if (r.status !== 429 && r.status !== 503) {
    throw new Error(`ingest answered ${r.status}: ${text.slice(0, 500)}`);
  }
  const ra = r.headers.get('retry-after');
  return { status: r.status, accepted, retryAfterMs: ra === null ? null : Math.min(MAX_RETRY_AFTER_MS, Number(ra) * 1000), ms };
}

// Sum and count of an unlabelled histogram on the server's /metrics (e.g. the store's own
// commit timings), to explain where ingest time goes.
export async function histogramTotals(url: string, name: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (suffix: string) => {
    const m = new RegExp(`^${name}_${suffix}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  return { sum: value('sum'), count: value('count') };
}
