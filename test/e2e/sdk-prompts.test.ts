// getPrompt() of @lookout/sdk against a Lookout child process: versions pushed through the API are
// resolved by label and number, cached, refreshed behind the cache after their TTL, and once the
// server is stopped the application goes on with the cached versions and, for a prompt it never
// fetched, with its fallback.
import { clearPromptCache, compilePrompt, getPrompt, init, PromptUnavailableError, type LookoutHandle } from '@lookout/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, pollUntil, removeTempDir, sleep, startLookout, type LookoutServer } from './harness.ts';

let lookout: LookoutServer | undefined;
let sdk: LookoutHandle | undefined;
let dataDir = '';

const CHAT = [
  { role: 'system', content: 'You help customers of {{product}}.' },
  { role: 'user', content: '{{ question }}' },
];

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  // The server listens on loopback without keys: a keyless request is the operator's.
  const res = await fetch(`${lookout!.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  dataDir = await makeTempDir('sdk-prompts');
  lookout = await startLookout({ dataDir });
  sdk = init({ endpoint: lookout.url, serviceName: 'e2e-sdk-prompts', scheduledDelayMs: 100 });
  clearPromptCache();
});

afterAll(async () => {
  await sdk?.shutdown();
  await lookout?.stop();
  await removeTempDir(dataDir);
});

describe('getPrompt against a Lookout process', () => {
  it('resolves production, numbers and latest, compiles variables, and refreshes behind the cache after its TTL', async () => {
    expect((await api('POST', '/api/v1/prompts', { name: 'support', prompt: 'Answer about {{product}}: {{question}}', labels: ['production'] })).status).toBe(201);
    expect((await api('POST', '/api/v1/prompts', { name: 'support', prompt: CHAT, model: 'gpt-4o-mini', parameters: { temperature: 0.2 }, labels: ['staging'] })).status).toBe(201);

    const prod = await getPrompt('support', { cacheTtlMs: 300 });
    expect(prod).toMatchObject({ name: 'support', version: 1, type: 'text', ref: 'support@1', source: 'server', labels: ['production'] });
    expect(prod.compile({ product: 'Lookout', question: 'why?' })).toBe('Answer about Lookout: why?');

    const staging = await getPrompt('support', { label: 'staging' });
    expect(staging).toMatchObject({ version: 2, type: 'chat', model: 'gpt-4o-mini', parameters: { temperature: 0.2 }, source: 'server' });
    expect(staging.compile({ product: 'Lookout', question: 'how much?' })).toEqual([
      { role: 'system', content: 'You help customers of Lookout.' },
      { role: 'user', content: 'how much?' },
    ]);
    expect((await getPrompt('support', { version: 1 })).prompt).toBe('Answer about {{product}}: {{question}}');
    expect((await getPrompt('support', { label: 'latest' })).version).toBe(2);

    // Within the TTL the cached version is used; moving the label shows after it, the first call
    // past it still answering from the cache while the refresh runs.
    expect((await api('PUT', '/api/v1/prompts/support/labels/production', { version: 2 })).status).toBe(200);
    expect(await getPrompt('support', { cacheTtlMs: 300 })).toMatchObject({ version: 1, source: 'cache' });
    await sleep(350);
    expect(await getPrompt('support', { cacheTtlMs: 300 })).toMatchObject({ version: 1, source: 'stale' });
    await pollUntil('the refreshed production version', async () => ((await getPrompt('support', { cacheTtlMs: 300 })).version === 2 ? true : undefined), { timeoutMs: 5_000, intervalMs: 20 });
  });

  it('returns the fallback for a prompt or label that is not there, and throws without one', async () => {
    const missing = await getPrompt('never-pushed', { fallback: 'Be helpful. {{question}}' });
    expect(missing).toMatchObject({ name: 'never-pushed', version: null, ref: null, type: 'text', source: 'fallback' });
    expect(missing.error).toMatch(/^Lookout answered 404: no prompt 'never-pushed' in this project/);
    expect(missing.compile({ question: 'hi' })).toBe('Be helpful. hi');
    const noLabel = await getPrompt('support', { label: 'canary', fallback: [{ role: 'system', content: 'fallback system' }] });
    expect(noLabel).toMatchObject({ type: 'chat', source: 'fallback', prompt: [{ role: 'system', content: 'fallback system' }] });
    await expect(getPrompt('never-pushed')).rejects.toThrow(PromptUnavailableError);
    await expect(getPrompt('never-pushed')).rejects.toThrow(/prompt 'never-pushed' \(label production\): Lookout answered 404/);
  });

  it('stops serving a cached version once its label is removed, and waits no more for a prompt once told it is not there', async () => {
    expect((await api('POST', '/api/v1/prompts', { name: 'retiring', prompt: 'Old text', labels: ['canary'] })).status).toBe(201);
    expect(await getPrompt('retiring', { label: 'canary', cacheTtlMs: 200, fallback: 'Fallback text' })).toMatchObject({ version: 1, source: 'server' });
    expect((await api('DELETE', '/api/v1/prompts/retiring/labels/canary')).status).toBe(204);
    await sleep(250);
    // Past the TTL: the cached version while the refresh runs; the refresh hears 404 and drops it.
    expect(await getPrompt('retiring', { label: 'canary', cacheTtlMs: 200, fallback: 'Fallback text' })).toMatchObject({ version: 1, source: 'stale' });
    const after = await pollUntil(
      'the fallback in place of the removed label',
      async () => {
        const p = await getPrompt('retiring', { label: 'canary', cacheTtlMs: 200, fallback: 'Fallback text' });
        return p.source === 'fallback' ? p : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 20 },
    );
    expect(after).toMatchObject({ prompt: 'Fallback text', version: null, error: expect.stringMatching(/^Lookout answered 404: prompt 'retiring' has no label 'canary'/) });
  });

  it('keeps the application going once the server is stopped: cached versions, stale past their TTL, and the fallback', async () => {
    clearPromptCache();
    expect((await getPrompt('support', { label: 'staging', cacheTtlMs: 200 })).source).toBe('server');
    const pinned = await getPrompt('support', { version: 1 });
    await lookout!.stop();

    // Within the TTL (each call's, from when Lookout gave the version): cached, no request made.
    expect(await getPrompt('support', { label: 'staging', cacheTtlMs: 60_000 })).toMatchObject({ version: 2, source: 'cache' });
    await sleep(250);
    // Past it: the cached version, at once, while the refresh fails behind it.
    const started = Date.now();
    expect(await getPrompt('support', { label: 'staging', cacheTtlMs: 200 })).toMatchObject({ version: 2, source: 'stale' });
    expect(Date.now() - started).toBeLessThan(100);
    const failed = await pollUntil(
      'the failed refresh to be reported',
      async () => {
        const p = await getPrompt('support', { label: 'staging', cacheTtlMs: 200 });
        return p.error ? p : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 20 },
    );
    expect(failed).toMatchObject({ version: 2, source: 'stale', error: expect.stringMatching(/^Lookout unreachable/) });
    // A numbered version never changes: cached for good.
    expect(await getPrompt('support', { version: 1 })).toMatchObject({ version: 1, source: 'cache', prompt: pinned.prompt });

    // Never fetched: the fallback, within the timeout.
    const t0 = Date.now();
    const fallback = await getPrompt('onboarding', { fallback: CHAT as never, timeoutMs: 1_000 });
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(fallback).toMatchObject({ source: 'fallback', version: null, error: expect.stringMatching(/^Lookout unreachable|^no answer from Lookout/) });
    expect(compilePrompt(fallback.prompt, { product: 'X', question: 'Q' })).toEqual([
      { role: 'system', content: 'You help customers of X.' },
      { role: 'user', content: 'Q' },
    ]);
    await expect(getPrompt('onboarding', { timeoutMs: 1_000 })).rejects.toThrow(/prompt 'onboarding' \(label production\): (Lookout unreachable|no answer)/);
  });
});
