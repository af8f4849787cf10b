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
import { contentAttributeCases, UNDECLARED_TEXT_KEYS, undeclaredContentAttributes } from './otlp/conventions/content-fixtures.testing.ts';
import { makeTestApp } from '../testing/app.ts';
import { projectId } from '../store/store.ts';

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

describe('privacy fails closed below full (#6, review)', () => {
  const undeclared = undeclaredContentAttributes(MARK);

  it('an OTLP attribute no convention maps is kept below full only if it cannot hold text or is declared free of it, and is counted', () => {
    for (const mode of ['metadata', 'off'] as const) {
      const policy = policyWith(mode);
      const counted: number[] = [];
      const span = mapOtlpSpan(otlpSpan({ attributes: undeclared, scope: { name: 'opentelemetry.instrumentation.chromadb', version: '0.40.0' } }), 'p1', {
        captureContent: policy.captures('p1'),
        onWithheld: (n) => counted.push(n),
      });
      policy.applyToSpan(span);
      expect(JSON.stringify(span), mode).not.toContain(MARK);
      expect(span.metadata).toMatchObject({
        'otel.scope.name': 'opentelemetry.instrumentation.chromadb',
        'db.system': 'chroma',
        'db.operation': 'query',
        'db.chroma.query.n_results': '3',
        'app.retries': '2',
        'app.cached': 'true',
        'app.scores': '[0.25,0.5]',
      });
      for (const key of UNDECLARED_TEXT_KEYS) expect(span.metadata[key], key).toBeUndefined();
      // The Chroma texts are declared content (OpenLLMetry); the others are withheld as unknown.
      expect(counted).toEqual([5]);
      expect(span.metadata['lookout.attributes_withheld']).toBe('5');
    }
    // With full capture unknown attributes are metadata as sent, and the Chroma query is the input.
    const full = mapOtlpSpan(otlpSpan({ attributes: undeclared }), 'p1', { captureContent: true });
    expect(full.metadata['mlflow.spanInputs']).toContain(MARK);
    expect(full.content?.input).toContain(`${MARK} chroma query`);
    expect(full.metadata['db.chroma.add.documents']).toBeUndefined();
    expect(full.metadata['lookout.attributes_withheld']).toBeUndefined();
  });

  it('the vector-database attributes of OpenLLMetry are declared content', () => {
    for (const key of ['db.chroma.query.query_texts', 'db.chroma.add.documents', 'db.chroma.get.where_document', 'db.chroma.query.where', 'db.pinecone.query.filter', 'db.milvus.search.filter', 'db.weaviate.query.near_text']) {
      expect(CONTENT.isContent(key), key).toBe(true);
    }
    for (const key of ['db.system', 'db.chroma.query.n_results', 'db.vector.query.top_k']) expect(CONTENT.isContent(key), key).toBe(false);
  });

  it('OTLP log attributes follow the same rule', () => {
    for (const mode of ['metadata', 'off'] as const) {
      const policy = policyWith(mode);
      const counted: number[] = [];
      const log = logFromOtlp(otlpLog('', { body: 'query done', attributes: undeclared }), 'p1', { captureContent: policy.captures('p1'), onWithheld: (n) => counted.push(n) });
      policy.applyToLog(log);
      expect(JSON.stringify(log), mode).not.toContain(MARK);
      expect(log.attributes).toMatchObject({ 'db.system': 'chroma', 'app.retries': '2', 'app.cached': 'true' });
      expect(counted).toEqual([5]);
    }
    expect(JSON.stringify(logFromOtlp(otlpLog('', { attributes: undeclared }), 'p1', { captureContent: true }))).toContain(MARK);
  });

  it('an error message below full is only a type name: the exception event, the status message and the native field', () => {
    const exception = { name: 'exception', timeUnixNano: '1767323045100000000', attributes: { 'exception.type': 'ValueError', 'exception.message': `prompt '${MARK}' is too long` } };
    for (const mode of ['metadata', 'off'] as const) {
      const policy = policyWith(mode);
      const failed = mapOtlpSpan(otlpSpan({ attributes: { 'gen_ai.operation.name': 'chat' }, events: [exception], status: { code: 2, message: `${MARK} status` } }), 'p1', { captureContent: false });
      policy.applyToSpan(failed);
      expect(failed).toMatchObject({ status: 'error', errorClass: 'invalid_request', errorMessage: 'ValueError' });
      const untyped = mapOtlpSpan(otlpSpan({ attributes: { 'gen_ai.operation.name': 'chat' }, status: { code: 2, message: `${MARK} status` } }), 'p1', { captureContent: false });
      policy.applyToSpan(untyped);
      expect(untyped).toMatchObject({ status: 'error', errorClass: 'other', errorMessage: null });

      const native = (errorMessage: string) => {
        const span = spanFromItem(generationItemSchema.parse({ type: 'generation', startTime: Date.now() - 1000, status: 'error', errorMessage }), 'p1');
        policy.applyToSpan(span);
        return span.errorMessage;
      };
      expect(native(`the model refused: "${MARK}"`)).toBeNull();
      expect(native('openai.RateLimitError')).toBe('openai.RateLimitError');
      expect(native('429')).toBe('429');
    }
    const full = policyWith('full');
    const kept = mapOtlpSpan(otlpSpan({ attributes: { 'gen_ai.operation.name': 'chat' }, events: [exception], status: { code: 2, message: '' } }), 'p1', { captureContent: true });
    full.applyToSpan(kept);
    expect(kept.errorMessage).toContain(MARK);
  });

  it("OTLP log ids are keyed with the project's secret: no guessed text can be confirmed from an id, retries still collapse", async () => {
    const t = await makeTestApp();
    try {
      const keys = {
        alpha: (await t.ctx.store.createApiKey(projectId('alpha'), 'admin', null)).key,
        beta: (await t.ctx.store.createApiKey(projectId('beta'), 'admin', null)).key,
      };
      const traceId = '5b8efff798038103d269b633813fc60c';
      const spanId = 'eee19b7ec3c1b174';
      const timeUnixNano = '1767323045000000000';
      const guess = `${MARK} the prompt a reader guesses`;
      const body = {
        resourceLogs: [{ resource: { attributes: [] }, scopeLogs: [{ scope: { name: 'app' }, logRecords: [
          { timeUnixNano, traceId, spanId, eventName: 'gen_ai.user.message', severityNumber: 9, body: { stringValue: guess }, attributes: [] },
        ] }] }],
      };
      const post = (key: string) =>
        t.app.inject({ method: 'POST', url: '/v1/logs', payload: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } });
      const ids: Record<string, string> = {};
      for (const [project, key] of Object.entries(keys)) {
        // capture full: the digest covers the body as sent (the reviewer's reading of route.ts)
        expect((await post(key)).statusCode).toBe(200);
        expect((await post(key)).statusCode).toBe(200); // a retried export
        const logs = (await t.app.inject({ url: '/api/v1/logs', headers: { authorization: `Bearer ${key}` } })).json().logs as { id: string }[];
        expect(logs).toHaveLength(1);
        ids[project] = logs[0].id;
      }
      const unkeyed = createHash('sha256').update([traceId, spanId, timeUnixNano, 'gen_ai.user.message', guess, JSON.stringify({ 'event.name': 'gen_ai.user.message' })].join('\u0000')).digest('hex').slice(0, 32);
      expect(ids.alpha).not.toBe(unkeyed);
      expect(ids.alpha).not.toBe(ids.beta);
      expect(ids.alpha).toBe(t.ctx.content.rekey('alpha', unkeyed));
      expect(ids.beta).toBe(t.ctx.content.rekey('beta', unkeyed));
    } finally {
      await t.close();
    }
  });
});
