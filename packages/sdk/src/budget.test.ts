import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBudget, init, withContext, type LookoutHandle } from './index.ts';

let server: Server;
let sdk: LookoutHandle;
const seen: { url: string; auth: string | undefined }[] = [];
let reply: { status: number; body: unknown; delayMs?: number } = { status: 200, body: {} };

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization });
    setTimeout(() => {
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    }, reply.delayMs ?? 0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  sdk = init({ endpoint: `http://127.0.0.1:${port}`, apiKey: 'lk_test', exporter: new InMemorySpanExporter() });
});
afterAll(async () => {
  await sdk.shutdown();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const blocked = {
  allowed: false,
  user: 'alice',
  team: 'core',
  department: null,
  budgets: [{ budget: { id: 'tier:free', scope: 'user', period: 'daily', limitUsd: 1, enforce: 'hard' }, subject: 'alice', spentUsd: 1.2, exceeded: true }],
  blockedBy: { budget: { id: 'tier:free' }, subject: 'alice', exceeded: true },
  warnings: ["user 'alice': 120% of the free tier daily budget used ($1.20 of $1.00) — exceeded"],
};

describe('checkBudget', () => {
  it('asks the check endpoint with the key, taking the user and team from the active context', async () => {
    reply = { status: 200, body: blocked };
    const r = await withContext({ userId: 'alice', team: 'core' }, () => checkBudget());
    expect(r).toMatchObject({ allowed: false, checked: true, user: 'alice', blockedBy: { budget: { id: 'tier:free' } } });
    expect(r.warnings).toHaveLength(1);
    expect(seen.at(-1)).toEqual({ url: '/api/v1/budgets/check?user=alice&team=core', auth: 'Bearer lk_test' });
    await checkBudget({ user: 'bob w', department: 'eng' });
    const url = new URL(seen.at(-1)!.url, 'http://x');
    expect(url.pathname).toBe('/api/v1/budgets/check');
    expect([...url.searchParams]).toEqual([
      ['user', 'bob w'],
      ['department', 'eng'],
    ]);
  });

  it('fails open, never throwing: server errors, timeouts, unreachable servers', async () => {
    reply = { status: 403, body: { error: { code: 'forbidden', message: 'no' } } };
    expect(await checkBudget({ user: 'alice' })).toEqual({ allowed: true, checked: false, user: 'alice', team: null, department: null, budgets: [], blockedBy: null, warnings: [], error: 'Lookout answered 403: no' });
    reply = { status: 200, body: blocked, delayMs: 300 };
    const slow = await checkBudget({ user: 'alice', timeoutMs: 50 });
    expect(slow).toMatchObject({ allowed: true, checked: false, error: 'no answer from Lookout within 50 ms' });
    reply = { status: 200, body: 'not a check' };
    expect(await checkBudget({ user: 'alice' })).toMatchObject({ allowed: true, checked: false, error: 'Lookout answered 200' });
  });
});
