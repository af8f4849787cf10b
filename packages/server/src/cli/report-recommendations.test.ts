import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { runReport, type ReportOptions } from './report.ts';

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await makeTestApp();
  // A nightly job: 3 calls at 02:00 UTC on each of the last 10 nights, no session, not streamed;
  // 2,000 in / 500 out on gpt-4o-mini is $0.0006 a call, $0.018 in all, half saved by the batch API.
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const batch = [];
  for (let d = 1; d <= 10; d++) {
    for (let i = 0; i < 3; i++) {
      batch.push({ type: 'generation', startTime: new Date(today - d * 86_400_000 + 2 * 3_600_000 + i * 60_000).toISOString(), durationMs: 800, provider: 'openai', model: 'gpt-4o-mini', feature: 'digest', usage: { input: 2000, output: 500 } });
    }
  }
  expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } })).statusCode).toBe(200);
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await t?.close();
});

async function report(over: Partial<ReportOptions> = {}): Promise<string> {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  await runReport('recommendations', { url, since: '30d', by: 'team', format: 'table', ...over }, out);
  return text;
}

describe('lookout report recommendations', () => {
  it('prints the savings, largest first, with formula and confidence', async () => {
    const text = await report();
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Recommendations, .* \(USD; weekly = monthly × 7\/30, annual = monthly × 365\/30\)$/);
    // $0.009 over the 30 days: $0.0021 a week, $0.1095 a year.
    expect(text).toMatch(/\$0\.0090\s+\$0\.0021\s+\$0\.1095\s+high\s+batch_api\s+Send 'digest' through openai's batch API/);
    expect(text).toContain("1. Send 'digest' through openai's batch API\n   $0.018 × 50% batch discount × 30 d / 30 d\n   confidence high:");
  });

  it('--format json is the API answer', async () => {
    const json = JSON.parse(await report({ format: 'json' }));
    expect(json.currency).toBe('USD');
    expect(json.recommendations[0]).toMatchObject({ kind: 'batch_api', monthlySavingsUsdDecimal: '0.009000000' });
  });

  it('a bad --since is the server\'s 400, naming the parameter', async () => {
    const err = await report({ since: 'last-tuesday' }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('from: ');
  });
});
