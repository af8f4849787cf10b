// Helpers for tests that run real processes: the Lookout server and CLI as child processes,
// and the third-party programs they are tested against (Prometheus, promtool, ...).
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, fstatSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRequireE2e } from './require-e2e.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
// LOOKOUT_E2E_CLI points the tests at another build of the command line.
export const cliPath = process.env.LOOKOUT_E2E_CLI ?? join(repoRoot, 'packages', 'server', 'src', 'cli.ts');

// Set by .ci/run: a missing program fails the test instead of skipping it (and
// require-e2e.ts fails the run if any test skipped anyway).
export const e2eRequired = parseRequireE2e(process.env.REQUIRE_E2E);

// What a process printed is kept in memory as its first and last part (for waiting on lines and
// for failure messages) and in full in files, so that leak checks see every character.
const maxHeadChars = 64 * 1024;
const maxTailChars = 256 * 1024;
const defaultStartTimeoutMs = 60_000;
const defaultStopTimeoutMs = 10_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Calls `probe` until it returns something other than undefined, or fails with the last error
// seen once the deadline passes.
export async function pollUntil<T>(
  description: string,
  probe: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs?: number; intervalMs?: number; context?: () => string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError === undefined ? '' : `; last error: ${describeError(lastError)}`;
      const context = options.context ? `\n${options.context()}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${reason}${context}`);
    }
    await sleep(intervalMs);
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause === undefined ? error.message : `${error.message} (${describeError(cause)})`;
  }
  return String(error);
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a probe socket'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

const tempDirs = new Set<string>();

export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `lookout-e2e-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

// Set LOOKOUT_E2E_KEEP_DIRS=1 to keep data dirs and configs for a post-mortem.
export async function removeTempDir(dir: string): Promise<void> {
  tempDirs.delete(dir);
  if (process.env.LOOKOUT_E2E_KEEP_DIRS === '1') {
    console.log(`keeping ${dir}`);
    return;
  }
  await rm(dir, { recursive: true, force: true });
}

// Absolute path of an executable on PATH (or in the sbin directories, which root's PATH may lack).
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/bin', '/usr/bin', '/usr/sbin', '/bin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

interface SkippableContext {
  skip: (note?: string) => never;
}

// The path of a program a test needs. When it is missing the test is skipped with the reason
// printed, unless REQUIRE_E2E=1, where a missing program is a failure.
export function requireBinary(name: string, ctx: SkippableContext): string {
  const found = findBinary(name);
  if (found !== undefined) return found;
  const reason = `${name} is not installed (scripts/install-e2e-deps.sh installs it)`;
  if (e2eRequired) throw new Error(`REQUIRE_E2E=1 but ${reason}`);
  console.warn(`skipping: ${reason}`);
  return ctx.skip(reason);
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

// A child process whose output is kept (bounded) for failure messages.
export class ManagedProcess {
  readonly name: string;
  readonly command: string;
  readonly child: ChildProcess;
  readonly exited: Promise<ExitStatus>;
  exitStatus: ExitStatus | undefined;
  private readonly stdoutText = new HeadAndTail();
  private readonly stderrText = new HeadAndTail();
  private readonly combined = new HeadAndTail();
  private readonly outputListeners = new Set<() => void>();
  // Everything printed, one file per stream: a secret split across chunks of one stream is still
  // found, and chunks of the other stream cannot fall between its halves. The files are unlinked
  // as soon as they are open, so nothing is left behind however the test run ends; the space goes
  // when the test process exits.
  private readonly fullOutput: Record<'stdout' | 'stderr', number>;

  constructor(name: string, file: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: string } = {}) {
    this.name = name;
    this.command = [file, ...args].join(' ');
    const fullOutputDir = mkdtempSync(join(tmpdir(), 'lookout-e2e-output-'));
    const openUnlinked = (name: string) => {
      const path = join(fullOutputDir, name);
      const fd = openSync(path, 'w+', 0o600);
      unlinkSync(path);
      return fd;
    };
    this.fullOutput = { stdout: openUnlinked('stdout'), stderr: openUnlinked('stderr') };
    rmdirSync(fullOutputDir);
    this.child = spawn(file, args, {
      cwd: options.cwd ?? repoRoot,
      env: options.env ?? process.env,
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    live.add(this);
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.record('stdout', chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.record('stderr', chunk));
    if (options.stdin !== undefined && this.child.stdin) {
      this.child.stdin.on('error', () => {
        // The program may exit before reading all of its input; its exit status tells.
      });
      this.child.stdin.end(options.stdin);
    }
    this.exited = new Promise((resolve) => {
      const finish = (status: ExitStatus) => {
        if (this.exitStatus !== undefined) return;
        this.exitStatus = status;
        live.delete(this);
        this.notify();
        resolve(status);
      };
      this.child.on('error', (error) => {
        this.record('stderr', `failed to start: ${error.message}\n`);
        finish({ code: null, signal: null });
      });
      // 'close' rather than 'exit': all output has been read by then.
      this.child.on('close', (code, signal) => finish({ code, signal }));
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  // The first and last part of what the process printed on stdout (all of it while it is short).
  get stdout(): string {
    return this.stdoutText.text();
  }

  get stderr(): string {
    return this.stderrText.text();
  }

  // Every character the process printed on one stream so far, however long.
  everything(stream: 'stdout' | 'stderr'): string {
    const fd = this.fullOutput[stream];
    const bytes = Buffer.alloc(fstatSync(fd).size);
    for (let offset = 0; offset < bytes.length; ) {
      const read = readSync(fd, bytes, offset, bytes.length - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return bytes.toString('utf8');
  }

  // Whether `text` appears anywhere in what the process printed: the check for leaked secrets,
  // which output() (bounded) cannot be.
  printed(text: string): boolean {
    return this.everything('stdout').includes(text) || this.everything('stderr').includes(text);
  }

  get running(): boolean {
    return this.exitStatus === undefined;
  }

  // The first and last part of what the process printed, with the command and how it ended; for
  // failure messages. Leak checks use printed().
  output(): string {
    const status = this.exitStatus === undefined ? 'still running' : `exited with code ${this.exitStatus.code} signal ${this.exitStatus.signal}`;
    return `--- ${this.name} (pid ${this.pid}): ${this.command} [${status}]\n${this.combined.text()}\n--- end of ${this.name} output`;
  }

  // Resolves with the first match of `pattern` in stdout; rejects if the process exits first.
  async waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.stdoutText.text().match(pattern);
        if (match) {
          done();
          resolve(match);
        } else if (this.exitStatus !== undefined) {
          done();
          reject(new Error(`${this.name} exited before printing ${pattern}\n${this.output()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms\n${this.output()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.outputListeners.delete(check);
      };
      this.outputListeners.add(check);
      check();
    });
  }

  // Resolves when the process exits; kills it and rejects if that takes longer than `timeoutMs`.
  async waitForExit(timeoutMs: number): Promise<ExitStatus> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`${this.name} did not exit within ${timeoutMs} ms\n${this.output()}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // SIGKILL, as a crash or the OOM killer would: no chance to flush or clean up.
  async kill(): Promise<ExitStatus> {
    if (this.exitStatus !== undefined) return this.exitStatus;
    this.child.kill('SIGKILL');
    return this.exited;
  }

  // SIGTERM, then SIGKILL when the process has not exited after `timeoutMs`.
  async stop(timeoutMs = defaultStopTimeoutMs): Promise<ExitStatus> {
    if (this.exitStatus !== undefined) return this.exitStatus;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const escalate = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (this.exitStatus === undefined) this.child.kill('SIGKILL');
        resolve();
      }, timeoutMs);
    });
    const status = await Promise.race([this.exited, escalate.then(() => this.exited)]);
    clearTimeout(timer);
    return status;
  }

  private record(stream: 'stdout' | 'stderr', chunk: string): void {
    writeSync(this.fullOutput[stream], chunk);
    (stream === 'stdout' ? this.stdoutText : this.stderrText).append(chunk);
    this.combined.append(stream === 'stderr' ? prefixLines(chunk, '[stderr] ') : chunk);
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.outputListeners]) listener();
  }
}

// The first maxHeadChars and the last maxTailChars of a growing text.
class HeadAndTail {
  private head = '';
  private tail = '';
  private droppedChars = 0;

  append(chunk: string): void {
    let rest = chunk;
    if (this.head.length < maxHeadChars) {
      const take = maxHeadChars - this.head.length;
      this.head += rest.slice(0, take);
      rest = rest.slice(take);
    }
    this.tail += rest;
    if (this.tail.length > maxTailChars) {
      this.droppedChars += this.tail.length - maxTailChars;
      this.tail = this.tail.slice(this.tail.length - maxTailChars);
    }
  }

  text(): string {
    if (this.droppedChars === 0) return this.head + this.tail;
    return `${this.head}\n[... ${this.droppedChars} characters not kept in memory ...]\n${this.tail}`;
  }
}

function prefixLines(chunk: string, prefix: string): string {
  return chunk.replace(/^(?=.)/gm, prefix);
}

// Processes a test started and has not stopped; killed if the test runner exits first so that
// nothing is left holding a port or a data dir.
const live = new Set<ManagedProcess>();
process.once('exit', () => {
  for (const managed of live) managed.child.kill('SIGKILL');
});

export interface RunResult extends ExitStatus {
  stdout: string;
  stderr: string;
  output: string;
}

// Runs a program to completion.
export async function runProgram(
  name: string,
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const managed = new ManagedProcess(name, file, args, { env: options.env, stdin: options.stdin });
  const status = await managed.waitForExit(options.timeoutMs ?? 120_000);
  return { ...status, stdout: managed.stdout, stderr: managed.stderr, output: managed.output() };
}

// Runs the `lookout` command line (packages/server/src/cli.ts) to completion.
export async function runLookout(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
  return runProgram(`lookout ${args[0] ?? ''}`.trim(), process.execPath, [cliPath, ...args], {
    env: { ...process.env, ...options.env },
    timeoutMs: options.timeoutMs,
  });
}

export interface LookoutServerOptions {
  dataDir: string;
  port?: number;
  host?: string;
  logLevel?: string;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

export interface LookoutServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly grpcPort: number; // OTLP/gRPC
  readonly dataDir: string;
  readonly process: ManagedProcess;
  output(): string;
  // SIGTERM, then SIGKILL.
  stop(timeoutMs?: number): Promise<ExitStatus>;
  // SIGKILL.
  kill(): Promise<ExitStatus>;
}

// Starts `lookout serve` and waits until it has printed its listening line and /readyz answers 200.
export async function startLookout(options: LookoutServerOptions): Promise<LookoutServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const startTimeoutMs = options.startTimeoutMs ?? defaultStartTimeoutMs;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOOKOUT_HOST: host,
    LOOKOUT_PORT: String(port),
    // Never the default 4317, on which servers started side by side would collide: a free port,
    // chosen by the server itself (no probe race) and read back from its listening line.
    LOOKOUT_GRPC_PORT: '0',
    LOOKOUT_DATA_DIR: options.dataDir,
    LOOKOUT_LOG_LEVEL: options.logLevel ?? process.env.LOOKOUT_E2E_LOG_LEVEL ?? 'info',
    ...options.env,
  };
  const managed = new ManagedProcess('lookout serve', process.execPath, [cliPath, 'serve'], { env });
  const deadline = Date.now() + startTimeoutMs;
  try {
    const match = await managed.waitForStdout(/Lookout listening on (http:\/\/[A-Za-z0-9.:[\]-]+)/, startTimeoutMs);
    const url = match[1];
    const grpcMatch = await managed.waitForStdout(/OTLP\/gRPC listening on \S+:(\d+)/, Math.max(1_000, deadline - Date.now()));
    await pollUntil(
      `${url}/readyz to answer 200`,
      async () => {
        if (!managed.running) throw new Error('the server exited');
        const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.status === 200 ? true : undefined;
      },
      { timeoutMs: Math.max(1_000, deadline - Date.now()), intervalMs: 50, context: () => managed.output() },
    );
    return {
      url,
      host,
      port,
      grpcPort: Number(grpcMatch[1]),
      dataDir: options.dataDir,
      process: managed,
      output: () => managed.output(),
      stop: (timeoutMs?: number) => managed.stop(timeoutMs),
      kill: () => managed.kill(),
    };
  } catch (error) {
    await managed.kill();
    throw error;
  }
}

// Sums the samples of one metric family member (e.g. `foo_total`, `foo_count`) in Prometheus
// text exposition format, across all label sets. Returns the number of samples too.
export function sumSamples(metricsText: string, sampleName: string): { sum: number; samples: number } {
  let sum = 0;
  let samples = 0;
  for (const line of metricsText.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const name = line.match(/^[a-zA-Z_:][a-zA-Z0-9_:]*/)?.[0];
    if (name !== sampleName) continue;
    // The value follows the name or the closing brace of the labels; an optional timestamp may follow it.
    const rest = line.slice(name.length);
    const afterLabels = rest.startsWith('{') ? rest.slice(closingBraceIndex(rest) + 1) : rest;
    const value = parsePrometheusFloat(afterLabels.trim().split(/\s+/)[0] ?? '');
    sum += value;
    samples += 1;
  }
  return { sum, samples };
}

function closingBraceIndex(labels: string): number {
  let inQuotes = false;
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (inQuotes) {
      if (c === '\\') i++;
      else if (c === '"') inQuotes = false;
    } else if (c === '"') inQuotes = true;
    else if (c === '}') return i;
  }
  throw new Error(`unterminated label set: ${labels}`);
}

function parsePrometheusFloat(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`not a sample value: ${JSON.stringify(text)}`);
  return value;
}

export interface PromVectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromQueryResponse {
  status: 'success' | 'error';
  data?: { resultType: string; result: PromVectorSample[] };
  error?: string;
}

export interface PrometheusServer {
  readonly url: string;
  readonly process: ManagedProcess;
  // The raw answer of /api/v1/query.
  query(promql: string): Promise<PromQueryResponse>;
  stop(): Promise<void>;
}

// Starts a real Prometheus scraping `target` (host:port) every second as job "lookout", on a free
// loopback port with its own config and data dir, and waits until it is ready. `ruleFiles` are
// loaded as its rule_files, evaluated every second.
export async function startPrometheus(
  binary: string,
  target: string,
  context: () => string,
  options: { ruleFiles?: string[]; flags?: string[] } = {},
): Promise<PrometheusServer> {
  const dir = await makeTempDir('prometheus');
  const port = await freePort();
  const configPath = join(dir, 'prometheus.yml');
  await writeFile(
    configPath,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      ...(options.ruleFiles?.length ? ['rule_files:', ...options.ruleFiles.map((file) => `  - ${JSON.stringify(file)}`)] : []),
      'scrape_configs:',
      '  - job_name: lookout',
      '    metrics_path: /metrics',
      '    static_configs:',
      `      - targets: ['${target}']`,
      '',
    ].join('\n'),
  );
  const prometheus = new ManagedProcess('prometheus', binary, [
    `--config.file=${configPath}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
    ...(options.flags ?? []),
  ]);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await prometheus.stop();
    await removeTempDir(dir);
  };
  try {
    await pollUntil(
      'Prometheus to become ready',
      async () => {
        if (!prometheus.running) throw new Error('prometheus exited');
        const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.ok ? true : undefined;
      },
      { timeoutMs: 60_000, context: () => `${prometheus.output()}\n${context()}` },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    process: prometheus,
    async query(promql: string) {
      if (!prometheus.running) throw new Error(`prometheus exited:\n${prometheus.output()}`);
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(5_000) });
      return (await response.json()) as PromQueryResponse;
    },
    stop,
  };
}
