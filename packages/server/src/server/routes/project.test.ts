import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { hex } from '../../testing/fixtures.ts';
import { projectId } from '../../store/store.ts';
import { traceFixture } from '../../ingest/otlp/otel-fixtures.testing.ts';

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const setCapture = (mode: string) => t.app.inject({ method: 'PATCH', url: '/api/v1/project', payload: { contentCapture: mode } });

async function sendWithContent(): Promise<{ content: unknown; promptHash: string | null; responseHash: string | null }> {
  const spanId = hex(8);
  await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ spanId, traceId: hex(16), input: 'my secret prompt', output: 'the answer' })] } });
  return (await t.app.inject(`/api/v1/spans/${spanId}`)).json();
}

describe('content capture per project (E5)', () => {
  it('keeps content and hashes by default, hashes only with metadata, neither with off', async () => {
    expect((await t.app.inject('/api/v1/project')).json().project.contentCapture).toBe('full');
    const full = await sendWithContent();
    expect(full.content).toEqual({ input: 'my secret prompt', output: 'the answer' });
    expect(full.promptHash).toMatch(/^[0-9a-f]+$/);

    expect((await setCapture('metadata')).json().project.contentCapture).toBe('metadata');
    const metadata = await sendWithContent();
    expect(metadata.content).toBeNull();
    expect(metadata.promptHash).toBe(full.promptHash);

    await setCapture('off');
    const off = await sendWithContent();
    expect(off).toMatchObject({ content: null, promptHash: null, responseHash: null });
    expect(JSON.stringify((await t.app.inject('/api/v1/spans?limit=10')).json())).toContain('my secret prompt'); // the one stored while full
  });

  it('applies to OTLP too', async () => {
    await setCapture('metadata');
    const fixture = await traceFixture();
    await t.app.inject({ method: 'POST', url: '/v1/traces', payload: fixture.protobuf, headers: { 'content-type': 'application/x-protobuf' } });
    const traceId = fixture.spans[0].spanContext().traceId;
    const trace = (await t.app.inject(`/api/v1/traces/${traceId}`)).json() as { spans: { content: unknown }[] };
    expect(trace.spans.length).toBeGreaterThan(0);
    expect(trace.spans.every((s) => s.content === null)).toBe(true);
  });

  it('refuses a bad value and a key without admin scope', async () => {
    const bad = await setCapture('everything');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('contentCapture');
    const { key } = await t.ctx.store.createApiKey(projectId('default'), 'read', null);
    const denied = await t.app.inject({ method: 'PATCH', url: '/api/v1/project', payload: { contentCapture: 'off' }, headers: { authorization: `Bearer ${key}` } });
    expect(denied.statusCode).toBe(403);
  });
});
