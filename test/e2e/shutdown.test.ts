// Graceful shutdown (J1): on SIGTERM the server stops taking requests, finishes the ones in
// flight, commits everything it acknowledged, and exits 0. After a restart every acknowledged
// span is there.
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir, startLookout } from './harness.ts';

let dataDir = '';

afterAll(async () => {
  if (dataDir) await removeTempDir(dataDir);
});

function batch(n: number): { spanIds: string[]; body: string } {
  const spanIds: string[] = [];
  const items = Array.from({ length: n }, () => {
    const spanId = randomBytes(8).toString('hex');
    spanIds.push(spanId);
    return {
      type: 'generation',
      traceId: randomBytes(16).toString('hex'),
      spanId,
      startTime: new Date(Date.now() - 1000).toISOString(),
      durationMs: 300,
      provider: 'openai',
      model: 'gpt-4o-mini',
      usage: { input: 100, output: 20 },
    };
  });
  return { spanIds, body: JSON.stringify({ batch: items }) };
}

describe('graceful shutdown', () => {
  it('drains acknowledged writes on SIGTERM and exits 0', async () => {
    dataDir = await makeTempDir('shutdown');
    const startedMs = Date.now();
    const server = await startLookout({ dataDir });
    const acknowledged = new Set<string>();
    let refused = 0;
    let stop = false;
    // Clients keep posting while the server is told to stop.
    const clients = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const b = batch(200);
        try {
          const res = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: b.body });
          if (res.status === 200) b.spanIds.forEach((id) => acknowledged.add(id));
          else refused++;
          await res.body?.cancel();
        } catch {
          refused++;
          return; // the server has closed its socket
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(acknowledged.size).toBeGreaterThan(0);
    server.process.child.kill('SIGTERM');
    const status = await server.process.waitForExit(30_000);
    stop = true;
    await Promise.all(clients);
    expect(status.code, server.output()).toBe(0);
    expect(server.output()).toContain('draining acknowledged writes');

    const again = await startLookout({ dataDir });
    try {
      // Paged in 50 ms slices of start time: an offset goes at most 10,000 rows deep.
      const stored = new Set<string>();
      for (let sliceMs = startedMs - 2_000; sliceMs < Date.now(); sliceMs += 50) {
        const range = `from=${new Date(sliceMs).toISOString()}&to=${new Date(sliceMs + 50).toISOString()}`;
        for (let offset = 0; ; offset += 1000) {
          const res = await fetch(`${again.url}/api/v1/spans?limit=1000&offset=${offset}&${range}`);
          expect(res.status, await res.clone().text()).toBe(200);
          const page = (await res.json()) as { spans: { spanId: string }[] };
          page.spans.forEach((s) => stored.add(s.spanId));
          if (page.spans.length < 1000) break;
        }
      }
      const missing = [...acknowledged].filter((id) => !stored.has(id));
      expect(missing, `${missing.length} acknowledged spans missing after SIGTERM (refused requests: ${refused})`).toEqual([]);
    } finally {
      await again.stop();
    }
  });
});
