import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { makeScore, makeSpan } from '../testing/fixtures.ts';
import { projectId } from '../store/store.ts';
import { ProjectGate } from './project-gate.ts';

// A project being deleted takes no records: the pipeline refuses them, and writes past the
// journal (metric points) under way are waited for.

let t: TestApp;
afterEach(async () => {
  await t?.close();
});

describe('the project gate', () => {
  it("refuses a closed project's batch, keeps the other projects' records of a mixed one, and takes them again once open", async () => {
    t = await makeTestApp();
    const { pipeline, store } = t.ctx;
    await pipeline.gate.close('acme');
    await expect(pipeline.submit({ spans: [makeSpan({ projectId: projectId('acme') })], scores: [], logs: [] }, 'api')).rejects.toMatchObject({ code: 'unauthorized', message: /project 'acme' is being deleted/ });
    const kept = makeSpan({ projectId: projectId('keep') });
    const mixed = await pipeline.submit({ spans: [makeSpan({ projectId: projectId('acme') }), kept], scores: [makeScore({ projectId: projectId('acme') })], logs: [] }, 'gateway');
    expect(mixed).toEqual({ spans: ['duplicate', 'accepted'], scores: ['duplicate'], logs: [] });
    await pipeline.settled();
    expect((await store.listSpans(projectId('acme'), {}, { limit: 10, offset: 0 })).spans).toEqual([]);
    expect((await store.listSpans(projectId('keep'), {}, { limit: 10, offset: 0 })).spans.map((s) => s.spanId)).toEqual([kept.spanId]);
    pipeline.gate.open('acme');
    expect(await pipeline.submit({ spans: [makeSpan({ projectId: projectId('acme') })], scores: [], logs: [] }, 'api')).toEqual({ spans: ['accepted'], scores: [], logs: [] });
  });

  it('closes only once the writes it tracks have ended', async () => {
    const gate = new ProjectGate();
    let finish!: () => void;
    const write = gate.track('acme', () => new Promise<void>((r) => (finish = r)));
    let closed = false;
    const closing = gate.close('acme').then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false);
    await expect(gate.track('acme', async () => 1)).rejects.toMatchObject({ code: 'unauthorized' });
    finish();
    await write;
    await closing;
    expect(closed).toBe(true);
    expect(await gate.track('keep', async () => 2)).toBe(2);
  });
});
