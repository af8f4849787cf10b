import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ContentCapture } from '../store/store.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { ContentPolicy, HASH_KEY_FILE } from './content-policy.ts';
import { spanFromItem } from './api/map.ts';
import { generationItemSchema } from './api/schema.ts';
import { attachGenAiEvent, CONTENT, mapOtlpSpan } from './otlp/conventions/index.ts';
import { otlpLog, otlpSpan } from './otlp/conventions/testing.ts';
import { withGenAiEvents } from './otlp/events.ts';
import { logFromOtlp } from './otlp/route.ts';
import type { Attributes } from './otlp/types.ts';
import { contentAttributeCases } from './otlp/conventions/content-fixtures.testing.ts';

const MARK = 'zq-secret-marker-7731';
const text = (what: string) => `${MARK} ${what}`;
const messages = (what: string) => JSON.stringify([{ role: 'user', content: text(what) }]);
const CASES = contentAttributeCases(MARK);

function policyWith(mode: ContentCapture): ContentPolicy {
  const policy = new ContentPolicy();
  policy.set('p1', mode);
  return policy;
}

function ingestOtlp(attrs: Attributes, mode: ContentCapture) {
  const policy = policyWith(mode);
  const span = mapOtlpSpan(otlpSpan({ attributes: attrs }), 'p1', { captureContent: policy.captures('p1') });
  policy.applyToSpan(span);
  return span;
}

describe('content attributes of every convention (#6)', () => {
  for (const [name, attrs] of Object.entries(CASES)) {
    it(`${name}: nothing of the text is kept under metadata or off, and all of it is declared content`, () => {
      for (const key of Object.keys(attrs)) {
        if (typeof attrs[key] === 'string' && (attrs[key] as string).includes(MARK)) expect(CONTENT.isContent(key), key).toBe(true);
      }
      // With full capture the convention's text is the span's content (an undetected convention's
      // text is dropped: it is never copied to metadata).
      const full = ingestOtlp(attrs, 'full');
      if (!name.includes('undetected')) expect(JSON.stringify(full), 'full capture keeps the text').toContain(MARK);
      for (const mode of ['metadata', 'off'] as const) {
        const span = ingestOtlp(attrs, mode);
        expect(JSON.stringify(span), mode).not.toContain(MARK);
        expect(span.content).toBeNull();
        if (mode === 'off') {
          expect(span.promptHash).toBeNull();
          expect(span.responseHash).toBeNull();
          expect(span.metadata['retrieval.query_hash']).toBeUndefined();
        }
      }
      // Content attributes never become metadata, whatever the mode: full capture keeps them as content.
      expect(Object.keys(ingestOtlp(attrs, 'full').metadata).filter((k) => CONTENT.isContent(k) && k !== 'retrieval.query')).toEqual([]);
    });
  }

  it('metadata keeps the hashes, so duplicate prompts still show', () => {
    const a = ingestOtlp(CASES.langfuse, 'metadata');
    const b = ingestOtlp(CASES.langfuse, 'metadata');
    expect(a.promptHash).toMatch(/^[0-9a-f]{32}$/);
    expect(a.responseHash).toMatch(/^[0-9a-f]{32}$/);
    // Two policies (two servers without a shared key) do not agree: the hash is keyed.
    expect(a.promptHash).not.toBe(b.promptHash);
  });

  it('GenAI event logs lose their bodies and content attributes, and attach nothing to their span', () => {
    const logs = [
      otlpLog('gen_ai.user.message', { body: { content: text('user message') } }),
      otlpLog('gen_ai.choice', { body: { index: 0, finish_reason: 'stop', message: { content: text('choice') } } }),
      otlpLog('gen_ai.client.inference.operation.details', { attributes: { 'gen_ai.input.messages': messages('details in'), 'gen_ai.output.messages': messages('details out') } }),
      otlpLog('app.log', { body: 'plain application log', attributes: { 'input.value': text('stray attribute') } }),
    ];
    for (const mode of ['metadata', 'off'] as const) {
      const policy = policyWith(mode);
      const stored = logs.map((l) => logFromOtlp(l, 'p1'));
      for (const l of stored) policy.applyToLog(l);
      expect(JSON.stringify(stored), mode).not.toContain(MARK);
      expect(stored[3].body).toBe('plain application log');
      const span = mapOtlpSpan(otlpSpan({ attributes: { 'gen_ai.operation.name': 'chat' } }), 'p1', { captureContent: false });
      policy.applyToSpan(span);
      const read = withGenAiEvents([span], stored, { captureContent: policy.captures('p1'), hash: (t) => policy.hash('p1', t) })[0];
      expect(JSON.stringify(read)).not.toContain(MARK);
    }
  });

  it('the native API: content and content metadata keys go below full', () => {
    const item = generationItemSchema.parse({
      type: 'generation',
      startTime: Date.now() - 1000,
      input: text('native input'),
      output: text('native output'),
      metadata: { 'input.value': text('native metadata'), 'gen_ai.prompt.0.content': text('native prompt'), keep: 'this' },
    });
    for (const mode of ['metadata', 'off'] as const) {
      const span = spanFromItem(item, 'p1');
      policyWith(mode).applyToSpan(span);
      expect(JSON.stringify(span)).not.toContain(MARK);
      expect(span.metadata.keep).toBe('this');
    }
  });
});

describe('keyed prompt hashes (#11)', () => {
  it('are the same for one prompt in one project, differ across projects and from plain SHA-256, and survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-hash-'));
    const store = await DuckDbStore.open(null);
    try {
      const keyFile = join(dir, HASH_KEY_FILE);
      const policy = await ContentPolicy.load(store, keyFile);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const prompt = 'hi';
      const a = policy.hash('alpha', prompt);
      expect(a).toMatch(/^[0-9a-f]{32}$/);
      expect(policy.hash('alpha', prompt)).toBe(a);
      expect(policy.hash('beta', prompt)).not.toBe(a);
      const sha = createHash('sha256').update(prompt).digest('hex');
      expect(sha.startsWith(a)).toBe(false);
      expect(a).not.toBe(sha.slice(0, 32));

      // What the pipeline stores for a span equals the policy's hash of its text.
      const span = spanFromItem(generationItemSchema.parse({ type: 'generation', startTime: Date.now() - 1000, input: prompt }), 'alpha');
      expect(span.promptHash).toBe(sha.slice(0, 32)); // the edge digest, before the pipeline keys it
      policy.applyToSpan(span);
      expect(span.promptHash).toBe(a);

      const key = readFileSync(keyFile);
      const again = await ContentPolicy.load(store, keyFile);
      expect(again.hash('alpha', prompt)).toBe(a);
      expect(readFileSync(keyFile).equals(key)).toBe(true);

      // The read path hashes events the same way.
      const bare = mapOtlpSpan(otlpSpan({ attributes: { 'gen_ai.operation.name': 'chat' } }), 'alpha', { captureContent: true });
      const withEvent = attachGenAiEvent(bare, otlpLog('gen_ai.client.inference.operation.details', { attributes: { 'gen_ai.input.messages': prompt } }), {
        captureContent: true,
        hash: (t) => policy.hash('alpha', t),
      });
      expect(withEvent.promptHash).toBe(a);
    } finally {
      await store.close();
    }
  });
});
