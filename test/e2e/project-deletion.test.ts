// Deleting a project with real processes: a project with a key, traffic carrying a marker in its
// prompts, a budget, an alert rule and an evaluator; `lookout projects delete` removes it; its key
// is refused at once, nothing of it is listed, a new project with its id starts empty, another
// project keeps everything, and once the server has stopped no file under the data directory,
// nor any row of the database, holds the marker.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { filesHolding, tablesHolding } from './data-dir.ts';
import { makeTempDir, removeTempDir, runLookout, startLookout, type LookoutServer } from './harness.ts';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const servers: LookoutServer[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) await removeTempDir(d);
});

async function call(url: string, init: { method?: string; key?: string; body?: object } = {}): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = {};
  if (init.body) headers['content-type'] = 'application/json';
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body ? JSON.stringify(init.body) : undefined });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function adminKey(url: string, project: string): Promise<string> {
  const res = await call(`${url}/api/v1/keys`, { method: 'POST', body: { project, scope: 'admin' } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json.key;
}

function traffic(marker: string, traces: number): object[] {
  const batch: object[] = [];
  for (let i = 0; i < traces; i++) {
    const traceId = hex(16);
    const root = hex(8);
    const start = Date.now() - 60_000 - i * 1_000;
    batch.push(
      { type: 'generation', traceId, spanId: root, startTime: new Date(start).toISOString(), durationMs: 300, provider: 'openai', model: 'gpt-4o', userId: `user-${marker}`, usage: { input: 1_000 + i, output: 50 }, input: `${marker} question ${i}`, output: 'an answer' },
      { type: 'score', id: `score-${traceId}`, traceId, name: 'helpfulness', value: 0.5, comment: `${marker} was helpful` },
      { type: 'log', id: `log-${traceId}`, traceId, body: `${marker} logged` },
    );
  }
  return batch;
}

const rule = { name: 'AnySpend', kind: 'threshold', query: { measure: 'cost' }, window: '1h', threshold: 0, severity: 'warning', category: 'cost' };

// What a project admin sees of their project.
async function seen(url: string, key: string) {
  const get = async (path: string) => {
    const res = await call(`${url}${path}`, { key });
    expect(res.status, `${path}: ${JSON.stringify(res.json)}`).toBe(200);
    return res.json;
  };
  return {
    spans: (await get('/api/v1/spans?limit=500')).spans.length,
    scores: (await get('/api/v1/scores?limit=500')).scores.length,
    logs: (await get('/api/v1/logs?limit=500')).logs.length,
    budgets: (await get('/api/v1/budgets')).budgets.length,
    rules: (await get('/api/v1/alerts/rules')).rules.filter((r: { source: string }) => r.source === 'api').length,
    evaluators: (await get('/api/v1/evaluators')).evaluators.filter((e: { origin: string }) => e.origin === 'api').length,
  };
}

describe('deleting a project', () => {
  it('removes its data, keys, budgets and rules: its key is refused, nothing of it is listed, and no file holds its prompts', async () => {
    const root = await makeTempDir('lookout-e2e-project-deletion-');
    dirs.push(root);
    const server = await startLookout({ dataDir: join(root, 'data'), logLevel: 'warn' });
    servers.push(server);
    const url = server.url;
    const marker = `project-deletion-marker-${hex(6)}`;
    const keepMarker = `kept-marker-${hex(6)}`;

    const acme = await adminKey(url, 'acme');
    const keep = await adminKey(url, 'keep');
    for (const [key, m] of [[acme, marker], [keep, keepMarker]] as const) {
      expect((await call(`${url}/api/v1/ingest`, { method: 'POST', key, body: { batch: traffic(m, 5) } })).status).toBe(200);
      expect((await call(`${url}/api/v1/budgets`, { method: 'POST', key, body: { scope: 'project', period: 'daily', limitUsd: 5 } })).status).toBe(201);
      expect((await call(`${url}/api/v1/alerts/rules`, { method: 'POST', key, body: rule })).status).toBe(201);
      expect((await call(`${url}/api/v1/evaluators`, { method: 'POST', key, body: { name: 'not-empty', kind: 'heuristic', criterion: 'empty_output' } })).status).toBe(201);
    }
    const full = { spans: 5, scores: 5, logs: 5, budgets: 1, rules: 1, evaluators: 1 };
    expect(await seen(url, acme)).toEqual(full);
    expect(await seen(url, keep)).toEqual(full);

    const deleted = await runLookout(['projects', 'delete', 'acme', '--yes', '--url', url]);
    expect(deleted.code, deleted.output).toBe(0);
    expect(deleted.stdout).toMatch(/project acme: deletion [0-9a-f-]+ done; spans 5, scores 5, logs 5/);

    // Its key is refused on every path, and the operator lists no such project.
    expect((await call(`${url}/api/v1/ingest`, { method: 'POST', key: acme, body: { batch: traffic(marker, 1) } })).status).toBe(401);
    expect((await call(`${url}/api/v1/spans`, { key: acme })).status).toBe(401);
    expect((await call(`${url}/v1/traces`, { method: 'POST', key: acme, body: { resourceSpans: [] } })).status).toBe(401);
    const projects = (await call(`${url}/api/v1/projects`)).json.projects.map((p: { id: string }) => p.id);
    expect(projects).toEqual(['default', 'keep']);
    const record = (await call(`${url}/api/v1/project-deletions`)).json.deletions;
    expect(record).toMatchObject([{ project: 'acme', status: 'done', requestedBy: 'operator' }]);

    // A new project with the same id starts empty; the other project has all of its own.
    const again = await adminKey(url, 'acme');
    expect(await seen(url, again)).toEqual({ spans: 0, scores: 0, logs: 0, budgets: 0, rules: 0, evaluators: 0 });
    expect(await seen(url, keep)).toEqual(full);

    // Stopped, the database file is rewritten without the freed blocks: no file and no row holds
    // the deleted project's prompts; the other project's are still there.
    const stopped = await server.stop();
    expect(stopped.code, server.output()).toBe(0);
    expect(await filesHolding(server.dataDir, marker)).toEqual([]);
    const database = join(server.dataDir, 'lookout.duckdb');
    expect(await tablesHolding(database, { marker })).toEqual([]);
    expect((await tablesHolding(database, { keepMarker })).map((f) => f.table)).toContain('main.spans');
  }, 240_000);
});
