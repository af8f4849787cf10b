// A real Alertmanager (Debian's prometheus-alertmanager) for end-to-end tests: its own config,
// data directory and free loopback port, no clustering.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, makeTempDir, ManagedProcess, pollUntil, removeTempDir } from './harness.ts';

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  receivers: { name: string }[];
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy: string[]; inhibitedBy: string[] };
}

export interface AlertmanagerServer {
  readonly url: string;
  readonly process: ManagedProcess;
  // GET /api/v2/alerts (resolved alerts are not listed); `query` as in the API, e.g. 'active=true'.
  alerts(query?: string): Promise<AlertmanagerAlert[]>;
  stop(): Promise<void>;
}

// Starts `binary` with `configYaml` and waits until /-/ready answers 200. `context` adds the
// output of the other processes to a failure message.
export async function startAlertmanager(binary: string, configYaml: string, context: () => string = () => ''): Promise<AlertmanagerServer> {
  const dir = await makeTempDir('alertmanager');
  const port = await freePort();
  const configPath = join(dir, 'alertmanager.yml');
  await writeFile(configPath, configYaml);
  const alertmanager = new ManagedProcess('alertmanager', binary, [
    `--config.file=${configPath}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // Empty: no cluster listener, so no gossip port to collide with another instance.
    '--cluster.listen-address=',
    '--log.level=warn',
  ]);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await alertmanager.stop();
    await removeTempDir(dir);
  };
  try {
    await pollUntil(
      'Alertmanager to become ready',
      async () => {
        if (!alertmanager.running) throw new Error('alertmanager exited');
        const response = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) });
        await response.body?.cancel();
        return response.ok ? true : undefined;
      },
      { timeoutMs: 60_000, context: () => `${alertmanager.output()}\n${context()}` },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    process: alertmanager,
    async alerts(query = '') {
      if (!alertmanager.running) throw new Error(`alertmanager exited:\n${alertmanager.output()}`);
      const response = await fetch(`${url}/api/v2/alerts${query ? `?${query}` : ''}`, { signal: AbortSignal.timeout(5_000) });
      const text = await response.text();
      if (!response.ok) throw new Error(`GET /api/v2/alerts answered ${response.status}: ${text.slice(0, 500)}`);
      return JSON.parse(text) as AlertmanagerAlert[];
    },
    stop,
  };
}
