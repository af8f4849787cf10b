import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';

// C4: the default pack's NearContextLimit rule on the real app: calls in through the ingest API,
// counted by the rollups with the configured context windows, one evaluation, alerts out.

let t: TestApp;
beforeEach(async () => {
  // house-model is named only here; gpt-4o keeps the catalog's 128,000 tokens.
  t = await makeTestApp({ pricing: { contextWindows: { 'house-model': 8_000 } } });
});
afterEach(async () => {
  await t.close();
});

const calls = (n: number, over: Record<string, unknown>) => Array.from({ length: n }, () => generation(over));

async function nearLimitAlerts(): Promise<{ labels: Record<string, string>; state: string; annotations: Record<string, string>; value: number }[]> {
  await t.ctx.alerting.engine.evaluate();
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/alerts' });
  expect(res.statusCode).toBe(200);
  return res.json().alerts.filter((a: { labels: Record<string, string> }) => a.labels.alertname === 'NearContextLimit');
}

describe('NearContextLimit (default pack)', () => {
  it('fires by model and feature for more than 2 calls past 90% of the window in 15 minutes', async () => {
    const batch = [
      // gpt-4o: 90% of 128,000 is 115,200 tokens of prompt. The ingest API's input counts the
      // cache reads in it, as OpenAI reports: 115,201 prompt tokens, 15,201 of them cached.
      ...calls(3, { model: 'gpt-4o', feature: 'rag', usage: { input: 115_201, cacheRead: 15_201, output: 100 } }),
      ...calls(3, { model: 'gpt-4o', feature: 'chat', usage: { input: 115_200, output: 100 } }), // exactly 90%: not past
      ...calls(2, { model: 'gpt-4o', feature: 'search', usage: { input: 127_000, output: 100 } }), // 2: not more than 2
      // house-model: 8,000 tokens from the configuration, 7,200 at 90%.
      ...calls(3, { model: 'house-model', provider: 'acme', feature: 'summarise', usage: { input: 7_201, output: 50 } }),
      ...calls(3, { model: 'unlisted-model', provider: 'acme', feature: 'summarise', usage: { input: 5_000_000, output: 50 } }), // no window
    ];
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } });
    expect(res.statusCode).toBe(200);
    await t.ctx.pipeline.settled();

    const alerts = await nearLimitAlerts();
    expect(alerts.map((a) => [a.labels.model, a.labels.feature, a.state, a.value, a.labels.severity]).sort()).toEqual([
      ['gpt-4o', 'rag', 'firing', 3, 'warning'],
      ['house-model', 'summarise', 'firing', 3, 'warning'],
    ]);
    const rag = alerts.find((a) => a.labels.feature === 'rag')!;
    expect(rag.annotations.summary).toBe('Prompts of rag on gpt-4o are near the context window');
    expect(rag.annotations.description).toMatch(/^3 calls over the last 15 minutes sent a prompt past 90% of gpt-4o's context window/);
  });

  it('stays quiet for prompts within the window', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: calls(10, { model: 'house-model', provider: 'acme', feature: 'summarise', usage: { input: 7_000, output: 50 } }) } });
    expect(res.statusCode).toBe(200);
    await t.ctx.pipeline.settled();
    expect(await nearLimitAlerts()).toEqual([]);
  });
});
