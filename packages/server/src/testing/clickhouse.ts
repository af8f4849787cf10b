// Real ClickHouse servers for tests and benchmarks: the ClickHouse engine from npm
// (@chdb/lib-linux-x64-gnu, installed by scripts/clickhouse/install.sh) run as clickhouse-local,
// which serves the real HTTP and native protocols once told to listen. One child process per shard;
// every shard's config names the whole cluster in remote_servers, so Distributed tables work
// across them (there is no Keeper: no Replicated* tables, no ON CLUSTER).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const engineDir = fileURLToPath(new URL('../../../../scripts/clickhouse/', import.meta.url));
const launcherPath = join(engineDir, 'build', 'clickhouse-launcher');
const libraryPath = join(engineDir, 'node_modules', '@chdb', 'lib-linux-x64-gnu', 'libchdb.so');

export const CLICKHOUSE_CLUSTER = 'lookout_test';
export const clickHouseInstallHint = 'the ClickHouse engine is not installed (run: bash scripts/clickhouse/install.sh)';

const host = '127.0.0.1';
// The first start after an install reads the 570 MB library from disk.
const startTimeoutMs = 60_000;
const pingIntervalMs = 50;
// A graceful stop waits for the serving query's current sleepEachRow(1) row (about 1 s).
const stopTimeoutMs = 10_000;
const logTailChars = 4_000;
const maxShards = 8;

// clickhouse-local serves until its query ends: listening is switched on, then a query that sleeps
// one second per row over ~126 years of rows keeps it running.
const serveQuery =
  'SYSTEM START LISTEN HTTP; SYSTEM START LISTEN TCP; SELECT sleepEachRow(1) FROM numbers(4000000000) SETTINGS max_block_size = 1 FORMAT Null';

export interface ClickHouseHarness {
  /** One HTTP endpoint per shard, http://127.0.0.1:PORT. */
  readonly urls: string[];
  /** The cluster name in every shard's remote_servers. */
  readonly cluster: string;
  /** Holds shardN/ (data), shardN.xml (config) and shardN.log (output) for each shard. */
  readonly dir: string;
  /** Stops one shard (its data stays); a no-op if it is not running. */
  stopShard(index: number): Promise<void>;
  /** Starts a stopped shard again on the same data and ports. */
  startShard(index: number): Promise<void>;
  /** Stops every shard; removes the directory if the harness created it. */
  stop(): Promise<void>;
}

export interface StartClickHouseOptions {
  shards: number;
  /** Kept after stop(); a fresh temporary directory (removed on stop) when absent. */
  dir?: string;
}

export function clickHouseAvailable(): boolean {
  return existsSync(launcherPath) && existsSync(libraryPath);
}

interface Shard {
  readonly index: number;
  readonly httpPort: number;
  readonly tcpPort: number;
  readonly url: string;
  child: ChildProcess | undefined;
}

// Every running shard of every harness, killed when this process exits however the tests end
// (the launcher also dies with its parent, for a runner killed outright).
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startClickHouse(options: StartClickHouseOptions): Promise<ClickHouseHarness> {
  const { shards: count } = options;
  if (!Number.isInteger(count) || count < 1 || count > maxShards) throw new Error(`shards must be an integer from 1 to ${maxShards}, got ${count}`);
  if (!clickHouseAvailable()) throw new Error(`cannot start ClickHouse: ${clickHouseInstallHint}`);
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'lookout-clickhouse-')));
  await mkdir(dir, { recursive: true });

  const ports = await freePorts(count * 2);
  const shards: Shard[] = Array.from({ length: count }, (_, index) => {
    const httpPort = ports[index * 2];
    return { index, httpPort, tcpPort: ports[index * 2 + 1], url: `http://${host}:${httpPort}`, child: undefined };
  });
  for (const shard of shards) await writeFile(configPath(dir, shard.index), configXml(shard, shards));

  const shardAt = (index: number): Shard => {
    const shard = shards[index];
    if (shard === undefined) throw new Error(`no shard ${index}: this cluster has shards 0 to ${count - 1}`);
    return shard;
  };
  const stopAll = (): Promise<void> => Promise.all(shards.map(stopShard)).then(() => undefined);

  try {
    await Promise.all(shards.map((shard) => startShard(dir, shard)));
  } catch (error) {
    // The directory stays, even a temporary one: the error names the log in it.
    await stopAll();
    throw error;
  }

  return {
    urls: shards.map((shard) => shard.url),
    cluster: CLICKHOUSE_CLUSTER,
    dir,
    stopShard: (index) => stopShard(shardAt(index)),
    startShard: async (index) => {
      const shard = shardAt(index);
      if (shard.child !== undefined) throw new Error(`shard ${index} is already running`);
      await startShard(dir, shard);
    },
    stop: async () => {
      await stopAll();
      if (ownsDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

function configPath(dir: string, index: number): string {
  return join(dir, `shard${index}.xml`);
}

function logPath(dir: string, index: number): string {
  return join(dir, `shard${index}.log`);
}

function configXml(shard: Shard, all: readonly Shard[]): string {
  const replicas = all.map((other) => `      <shard><replica><host>${host}</host><port>${other.tcpPort}</port></replica></shard>`);
  return [
    '<clickhouse>',
    `  <listen_host>${host}</listen_host>`,
    `  <http_port>${shard.httpPort}</http_port>`,
    `  <tcp_port>${shard.tcpPort}</tcp_port>`,
    '  <remote_servers>',
    `    <${CLICKHOUSE_CLUSTER}>`,
    ...replicas,
    `    </${CLICKHOUSE_CLUSTER}>`,
    '  </remote_servers>',
    '</clickhouse>',
    '',
  ].join('\n');
}

async function startShard(dir: string, shard: Shard): Promise<void> {
  const log = logPath(dir, shard.index);
  const args = [
    libraryPath,
    `--config-file=${configPath(dir, shard.index)}`,
    `--path=${join(dir, `shard${shard.index}`)}`,
    '--log-level=warning',
    '--multiquery',
    `--query=${serveQuery}`,
  ];
  // Appended to, so that a restarted shard's log keeps what the previous run said.
  const logFd = openSync(log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(launcherPath, args, { stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
  shard.child = child;
  running.add(child);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
    running.delete(child);
    if (shard.child === child) shard.child = undefined;
  });
  // Without an 'exit' to follow (the program could not be run at all).
  child.once('error', (error) => {
    exited = `could not be started (${error.message})`;
    running.delete(child);
    if (shard.child === child) shard.child = undefined;
  });

  const deadline = Date.now() + startTimeoutMs;
  while ((await ping(shard.url)) === false) {
    const reason = exited ?? (Date.now() > deadline ? `did not answer ${shard.url}/ping within ${startTimeoutMs} ms` : undefined);
    if (reason !== undefined) {
      await stopShard(shard);
      throw new Error(`ClickHouse shard ${shard.index} ${reason}; its log is ${log}:\n${await tail(log)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pingIntervalMs));
  }
}

async function stopShard(shard: Shard): Promise<void> {
  const child = shard.child;
  if (child === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  }
  running.delete(child);
  if (shard.child === child) shard.child = undefined;
}

async function ping(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) });
    await response.text();
    return response.ok;
  } catch {
    return false;
  }
}

async function tail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.length > logTailChars ? `...${text.slice(-logTailChars)}` : text;
}

// Ports the kernel hands out as free, all distinct. Each probe socket is closed before the server
// binds, so another process could take one in between; on loopback in a test run that is rare.
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      server.close(() => (address !== null && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port for a probe socket'))));
    });
  });
}
