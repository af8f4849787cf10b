// The gateway's flushes of recorded calls: slices of several flushes must all be in the pipeline
// before closing lets it drain.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAttribution } from './headers.ts';
import { classifyEndpoint, emptyFacts } from './providers.ts';
import { newTraceIds, type GatewayCallRecord } from './record.ts';
import { Gateway } from './route.ts';
import { makeTestApp, type TestApp } from '../../testing/app.ts';

let t: TestApp;

beforeEach(async () => {
  t = await makeTestApp({ 'gateway.recordFlushMs': 10_000 });
});

afterEach(async () => {
  await t.close();
});

function call(): GatewayCallRecord {
  return {
    projectId: 'default',
    provider: 'openai',
    endpoint: classifyEndpoint('openai', 'POST', 'chat/completions'),
    ...newTraceIds(null),
    requestBody: null,
    attribution: parseAttribution({}).attribution,
    extraMetadata: null,
    startMs: Date.now(),
    durationMs: 1,
    ttftMs: null,
    httpStatus: 200,
    outcome: 'response',
    facts: emptyFacts(),
    usageMissing: false,
    requestId: null,
    failure: null,
    secrets: [],
  };
}

const pendingGauge = async () => Number(/^lookout_gateway_recording_pending (\d+)$/m.exec((await t.app.inject('/metrics')).body)?.[1]);

describe('Gateway flushes', () => {
  it('run one after the other, and the last one resolves once every earlier slice is submitted', async () => {
    const gateway = new Gateway(t.ctx);
    let closed = false;
    let submitted = 0;
    let late = 0;
    vi.spyOn(t.ctx.pipeline, 'submit').mockImplementation(async (batch) => {
      submitted += batch.spans.length;
      if (closed) late += batch.spans.length;
      return { spans: [], scores: [], logs: [] } as never;
    });
    for (let i = 0; i < 200; i++) gateway.record(call());
    expect(await pendingGauge()).toBe(200);
    void gateway.flush(); // as the timer or the batch bound would, not awaited
    // Taken by the flush but not submitted yet: still pending.
    expect(await pendingGauge()).toBeGreaterThan(0);
    for (let i = 0; i < 4; i++) gateway.record(call());
    await gateway.flush(); // as closing does
    closed = true;
    await new Promise((r) => setTimeout(r, 50));
    expect({ submitted, late }).toEqual({ submitted: 204, late: 0 });
    expect(await pendingGauge()).toBe(0);
  });
});
