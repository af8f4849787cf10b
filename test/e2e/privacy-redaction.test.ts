// Redaction against a real `lookout serve` with the default settings (every built-in kind masked,
// content capture full): made-up emails, phone numbers, card numbers, IBANs, SSNs, provider keys
// and JWTs, sent through every ingest path with the official exporters and clients
// (privacy-send.ts), are stored nowhere: not in the journal segments and staging files as they are
// written, not in any file of the data dir while the server runs (write-ahead log, state) nor
// after it stops, not in any database row, not in any read, not in the security event log, not in
// the server's output. The reads show the masks, the security event log and /metrics show what was
// found, an injection attempt is detected, and the project's settings (hash, drop, block) apply.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECURITY_METADATA, securityFactsOf } from '../../packages/server/src/domain/security.ts';
import { DEFAULT_MAX_SCAN_CHARS } from '../../packages/server/src/enrich/redact/redactor.ts';
import { filesHoldingAny, tablesHolding, WriteCapture } from './data-dir.ts';
import { startFakeAnthropic } from './fake-anthropic.ts';
import { startFakeOpenAI, type FakeUpstream } from './fake-openai.ts';
import { makeTempDir, pollUntil, removeTempDir, startLookout, type LookoutServer } from './harness.ts';
import { leakedIn, maskedSentenceOf, MASKS, needlesOf, plantValues, sentenceOf, type Planted } from './planted.ts';
import { eventsOf, metricsSnapshot, readBack, seriesSum, type SecurityEventJson, type StoredSpan } from './privacy-reads.ts';
import { INJECTION, metricsWithAttributes, sendEverywhere, type Sent } from './privacy-send.ts';

let server: LookoutServer;
let openaiUpstream: FakeUpstream;
let anthropicUpstream: FakeUpstream;
let dataDir = '';
let planted: Planted;
let needles: Record<string, string>;
let control = '';
let sentence = '';
let userId = '';
let sent: Sent;
let metricsBefore: Map<string, number>;
// What the short-lived files held while the values were sent: journal segments (deleted once
// loaded) and the store's staging files.
let journal: WriteCapture;
let staging: WriteCapture;
const startedAt = new Date(Date.now() - 60_000).toISOString();

beforeAll(async () => {
  openaiUpstream = await startFakeOpenAI();
  anthropicUpstream = await startFakeAnthropic();
  dataDir = await makeTempDir('privacy');
  server = await startLookout({
    dataDir,
    env: { LOOKOUT_OPENAI_BASE_URL: `${openaiUpstream.url}/v1`, LOOKOUT_ANTHROPIC_BASE_URL: anthropicUpstream.url, LOOKOUT_GATEWAY_RECORD_FLUSH_MS: '10' },
  });
  planted = plantValues();
  needles = needlesOf(planted);
  control = `zqctl${randomBytes(6).toString('hex')}`;
  sentence = sentenceOf(planted, control);
  userId = `u-${randomBytes(4).toString('hex')}`;
  metricsBefore = await metricsSnapshot(server.url);
  journal = new WriteCapture(join(dataDir, 'journal'));
  staging = new WriteCapture(join(dataDir, 'staging'));
  try {
    sent = await sendEverywhere({ server, planted, sentence, userId });
  } finally {
    await journal.close();
    await staging.close();
  }
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await openaiUpstream?.close();
  await anthropicUpstream?.close();
  if (dataDir) await removeTempDir(dataDir);
});

describe('redaction on every ingest path, against lookout serve', { timeout: 120_000 }, () => {
  it('journals no planted value: the segments and staging files hold what was redacted', async () => {
    const seen = journal.holding({ ...needles, control });
    expect(seen.filter((f) => f.value !== 'control')).toEqual([]);
    expect(staging.holding(needles)).toEqual([]);
    // The segments were read while they existed: the harmless marker is in them.
    expect(seen.some((f) => f.value === 'control'), 'no journal segment was caught holding the control marker').toBe(true);
  });

  it('stores no planted value in any file of the data dir while running, nor prints one', async () => {
    const found = await filesHoldingAny(dataDir, { ...needles, control });
    expect(found.filter((f) => f.value !== 'control')).toEqual([]);
    // The search sees stored text: the harmless marker beside the values is in the files.
    expect(found.some((f) => f.value === 'control'), 'the control marker was not found in any file').toBe(true);
    expect(Object.entries(needles).filter(([, form]) => server.process.printed(form)).map(([name]) => name)).toEqual([]);
  });

  it('answers reads with the values masked, on every path', async () => {
    for (const [path, ids] of Object.entries(sent.paths)) {
      const text = await readBack(server.url, ids);
      expect(leakedIn(text, needles), path).toEqual([]);
      expect(text, path).toContain(control);
      expect(text, path).toContain(MASKS.email);
    }
    const logs = await (await fetch(`${server.url}/api/v1/logs?limit=500`)).text();
    expect(leakedIn(logs, needles)).toEqual([]);
    expect(logs).toContain(MASKS.email);
    const scores = await (await fetch(`${server.url}/api/v1/scores?traceId=${sent.nativeTrace}`)).text();
    expect(leakedIn(scores, needles)).toEqual([]);

    // The native generation: the sentence reads as it was, each value replaced by its mask, and
    // the span says what was found.
    const span = (await (await fetch(`${server.url}/api/v1/spans/${sent.nativeSpan}`)).json()) as StoredSpan;
    expect(span.content).toEqual({ input: maskedSentenceOf(control), output: maskedSentenceOf(control) });
    expect(span.metadata.note).toBe(maskedSentenceOf(control));
    expect(span.tags).toContain(`customer:${MASKS.email}`);
    const facts = securityFactsOf(span.metadata);
    expect(facts.redactionFailed).toBe(false);
    expect(facts.found).toMatchObject({ email: expect.any(Number), phone: expect.any(Number), credit_card: expect.any(Number), iban: expect.any(Number), ssn: expect.any(Number), secret: expect.any(Number) });
    expect(facts.found.secret).toBeGreaterThanOrEqual(4);
    expect(span.metadata[SECURITY_METADATA.redaction]).toMatch(/(^|,)email=\d+/);

    // The gateway: the provider got the caller's request as it was (redaction is about what
    // Lookout keeps); the stored prompt and echoed answer, streamed or not, are masked.
    const forwarded = (upstream: FakeUpstream) => upstream.requests.filter((r) => r.body.includes(JSON.stringify(sentence))).length;
    expect(forwarded(openaiUpstream)).toBe(4);
    expect(forwarded(anthropicUpstream)).toBe(2);
    expect(openaiUpstream.requests.some((r) => r.headers.authorization === `Bearer ${planted.openaiKey}`)).toBe(true);
    expect(anthropicUpstream.requests.some((r) => r.headers.authorization === `Bearer ${planted.anthropicKey}`)).toBe(true);
    for (const id of [...sent.paths['gateway openai']!, ...sent.paths['gateway anthropic']!]) {
      const trace = (await (await fetch(`${server.url}/api/v1/traces/${id}`)).json()) as { spans: StoredSpan[] };
      const call = trace.spans[0]!;
      expect(call.content?.input, `${call.provider} ${call.name}`).toContain(maskedSentenceOf(control));
      if (call.requestModel === 'echo') expect(call.content?.output, `${call.provider} ${call.name}`).toContain(maskedSentenceOf(control));
    }
  });

  it('lists what was found in the security event log, by detector, never the value', async () => {
    const pii = await eventsOf(server.url, `from=1h&type=pii`);
    const secrets = await eventsOf(server.url, `from=${encodeURIComponent(startedAt)}&type=secret`);
    const raw = JSON.stringify([pii, secrets]);
    expect(leakedIn(raw, needles)).toEqual([]);
    expect(pii.every((e) => e.type === 'pii')).toBe(true);
    expect(secrets.every((e) => e.type === 'secret')).toBe(true);

    const detectorsOn = (events: SecurityEventJson[], traces: string[]) => new Set(events.filter((e) => e.traceId !== null && traces.includes(e.traceId)).map((e) => e.detector));
    for (const [path, ids] of Object.entries(sent.paths)) {
      const piiDetectors = [...detectorsOn(pii, ids)];
      for (const kind of ['email', 'phone', 'credit_card', 'iban', 'ssn']) expect(piiDetectors.some((d) => d.startsWith(kind)), `${path}: ${kind} in ${piiDetectors}`).toBe(true);
      const secretDetectors = [...detectorsOn(secrets, ids)];
      for (const kind of ['secret:openai', 'secret:aws', 'secret:jwt']) expect(secretDetectors.some((d) => d.startsWith(kind)), `${path}: ${kind} in ${secretDetectors}`).toBe(true);
    }
    // The generation's own event (its log and score have events of their own, without a user).
    const native = pii.find((e) => e.spanId === sent.nativeSpan && e.detector === 'email' && (e.field ?? '').split(',').includes('input'))!;
    expect(native).toMatchObject({ action: 'masked', userId, count: expect.any(Number) });
    expect(native.count).toBeGreaterThanOrEqual(1);
    expect(native.traceId).toBe(sent.nativeTrace);

    // Filtered by user: only that user's events, the native ones among them.
    const mine = await eventsOf(server.url, `from=1h&type=pii&user=${userId}`);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((e) => e.userId === userId)).toBe(true);
    expect(mine.some((e) => e.traceId === sent.nativeTrace)).toBe(true);
  });

  it('counts what was found on /metrics', async () => {
    const after = await metricsSnapshot(server.url);
    const moved = (type: string) => seriesSum(after, 'lookout_pii_detected_total', `type="${type}"`) - seriesSum(metricsBefore, 'lookout_pii_detected_total', `type="${type}"`);
    for (const type of ['email', 'phone', 'credit_card', 'iban', 'ssn', 'secret']) expect(moved(type), type).toBeGreaterThan(0);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(leakedIn(metrics, needles)).toEqual([]);
  });

  it('detects the injection attempt sent through the gateway and through OTLP', async () => {
    const events = await eventsOf(server.url, 'from=1h&type=prompt_injection');
    for (const [path, traceId] of Object.entries(sent.injectionTraces)) {
      const event = events.find((e) => e.traceId === traceId);
      expect(event, `${path}: ${JSON.stringify(events)}`).toBeDefined();
      expect(event!.detector).toBe('injection');
      expect(event!.rule).toBeTruthy();
      expect(event!.score).toBeGreaterThan(0);
      expect(JSON.stringify(event)).not.toContain('Ignore all previous');
    }
    const injections = seriesSum(await metricsSnapshot(server.url), 'lookout_prompt_injection_detected_total') - seriesSum(metricsBefore, 'lookout_prompt_injection_detected_total');
    expect(injections).toBeGreaterThanOrEqual(2);
  });

  // A prompt is recorded as JSON (the messages), where every phrase sits inside quotes; an attempt
  // followed by an ordinary question is an attempt all the same.
  it('detects an injection attempt followed by an ordinary question, through the gateway and OTLP', async () => {
    const attempt = `${INJECTION}. What is the refund policy?`;
    const session = `privacy-inj-${randomBytes(4).toString('hex')}`;
    const openai = new OpenAI({ apiKey: 'sk-e2e', baseURL: `${server.url}/proxy/openai/v1`, maxRetries: 0, defaultHeaders: { 'x-lookout-session': session } });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: attempt }] });
    const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${server.url}/v1/traces` }) })] });
    const otlp = provider.getTracer('privacy-e2e-inj').startSpan('chat gpt-4o-mini', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: attempt }] }]) } }, ROOT_CONTEXT);
    otlp.end();
    await provider.shutdown();
    const gateway = await pollUntil('the gateway call', async () => {
      const spans = ((await (await fetch(`${server.url}/api/v1/spans?sessionId=${session}`)).json()) as { spans: StoredSpan[] }).spans;
      return spans[0];
    });
    await pollUntil('the OTLP span', async () => ((await fetch(`${server.url}/api/v1/traces/${otlp.spanContext().traceId}`)).status === 200 ? true : undefined));
    const events = await eventsOf(server.url, 'from=1h&type=prompt_injection');
    const found = Object.fromEntries([['gateway', gateway.traceId], ['otlp', otlp.spanContext().traceId]].map(([path, id]) => [path, events.some((e) => e.traceId === id)]));
    expect(found).toEqual({ gateway: true, otlp: true });
  });

  it('stores a span whose text is too large to scan without that text (fails closed)', async () => {
    const trace = randomBytes(16).toString('hex');
    const spanId = randomBytes(8).toString('hex');
    const huge = `${sentence} ${'lorem ipsum '.repeat(Math.ceil(DEFAULT_MAX_SCAN_CHARS / 12))}`;
    expect(huge.length).toBeGreaterThan(DEFAULT_MAX_SCAN_CHARS);
    const res = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ batch: [{ type: 'generation', traceId: trace, spanId, startTime: Date.now() - 1_000, durationMs: 200, model: 'gpt-4o', userId, input: huge, output: sentence }] }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const stored = await fetch(`${server.url}/api/v1/spans/${spanId}`);
    expect(stored.status).toBe(200);
    const text = await stored.text();
    expect(leakedIn(text, needles)).toEqual([]);
    expect(text).not.toContain('lorem ipsum');
    const span = JSON.parse(text) as StoredSpan;
    expect(span.content).toEqual({ input: null, output: maskedSentenceOf(control) });
    expect(span.metadata[SECURITY_METADATA.contentRedaction]).toBe('failed');
    expect(await filesHoldingAny(dataDir, needles)).toEqual([]);
  });

  it('hashes and drops as the project says, and keeps nothing the test box was given', async () => {
    const values = plantValues();
    const other = plantValues();
    const own = { ...needlesOf(values), ...Object.fromEntries(Object.entries(needlesOf(other)).map(([k, v]) => [`other ${k}`, v])) };
    const put = await fetch(`${server.url}/api/v1/privacy`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ modes: { credit_card: 'hash', email: 'drop' } }) });
    expect(put.status, await put.clone().text()).toBe(200);
    try {
      const tried = await fetch(`${server.url}/api/v1/privacy/test`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: sentenceOf(values, control) }) });
      expect(tried.status, await tried.clone().text()).toBe(200);

      const trace = randomBytes(16).toString('hex');
      const ids = Array.from({ length: 4 }, () => randomBytes(8).toString('hex'));
      const inputs = [`charge ${values.card} now`, `refund ${values.card} later`, `charge ${other.card} now`, `write to ${values.email}`];
      const batch = inputs.map((input, i) => ({ type: 'generation', traceId: trace, spanId: ids[i], startTime: Date.now() - 1_000, durationMs: 10, model: 'gpt-4o', input, output: 'done' }));
      const res = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ batch }) });
      expect(res.status, await res.clone().text()).toBe(200);
      const spans = await Promise.all(ids.map(async (id) => (await (await fetch(`${server.url}/api/v1/spans/${id}`)).json()) as StoredSpan));
      // The same card gives the same token, another card another; the field with an email is dropped.
      const token = (s: StoredSpan) => /\[credit_card:[0-9a-f]{12}\]/.exec(s.content?.input ?? '')?.[0];
      expect(spans[0]!.content?.input).toBe(`charge ${token(spans[0]!)} now`);
      expect(token(spans[1]!)).toBe(token(spans[0]!));
      expect(token(spans[2]!)).toMatch(/^\[credit_card:/);
      expect(token(spans[2]!)).not.toBe(token(spans[0]!));
      expect(spans[3]!.content).toEqual({ input: null, output: 'done' });

      const events = await eventsOf(server.url, 'from=1h&type=pii');
      expect(events.find((e) => e.spanId === ids[0] && e.detector.startsWith('credit_card'))?.action).toBe('hashed');
      expect(events.find((e) => e.spanId === ids[3] && e.detector === 'email')?.action).toBe('dropped');
      const read = JSON.stringify(spans) + JSON.stringify(events);
      expect({ files: await filesHoldingAny(dataDir, own), reads: leakedIn(read, own) }).toEqual({ files: [], reads: [] });
      expect(Object.entries(own).filter(([, form]) => server.process.printed(form)).map(([name]) => name)).toEqual([]);
    } finally {
      expect((await fetch(`${server.url}/api/v1/privacy`, { method: 'DELETE' })).status).toBe(200);
    }
  });

  it('blocks an injection in the gateway when the project says so, keeping none of the request', async () => {
    const values = plantValues();
    const own = needlesOf(values);
    const put = await fetch(`${server.url}/api/v1/privacy`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ gatewayInjection: 'block' }) });
    expect(put.status, await put.clone().text()).toBe(200);
    try {
      const calls = openaiUpstream.requests.length;
      // The values travel in the key and the metadata header of the refused request.
      const headers = { 'x-lookout-metadata': JSON.stringify({ note: sentenceOf(values, control) }) };
      const openai = new OpenAI({ apiKey: values.openaiKey, baseURL: `${server.url}/proxy/openai/v1`, maxRetries: 0, defaultHeaders: headers });
      const refused = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: INJECTION }] }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
      expect(openaiUpstream.requests.length).toBe(calls);
      // Events of refused calls are recorded beside the request, so they may land a moment later.
      const blocked = await pollUntil('the blocked call in the security event log', async () => {
        const events = (await eventsOf(server.url, 'from=1h&type=prompt_injection')).filter((e) => e.action === 'blocked');
        return events.length > 0 ? events : undefined;
      }, { timeoutMs: 10_000 });
      expect(blocked.length).toBe(1);
      expect(blocked[0]).toMatchObject({ detector: 'injection', field: 'request' });
      expect({ files: await filesHoldingAny(dataDir, own), reads: leakedIn(JSON.stringify(blocked), own) }).toEqual({ files: [], reads: [] });
      expect(Object.entries(own).filter(([, form]) => server.process.printed(form)).map(([name]) => name)).toEqual([]);
    } finally {
      expect((await fetch(`${server.url}/api/v1/privacy`, { method: 'DELETE' })).status).toBe(200);
    }
  });

  // Text under names Lookout uses for its own metadata (`lookout.*`), as any client may send it,
  // is the client's text all the same.
  it('redacts metadata and log attributes named like Lookout\'s own', async () => {
    const values = plantValues();
    const own = needlesOf(values);
    const text = sentenceOf(values, control);
    const trace = randomBytes(16).toString('hex');
    const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${server.url}/v1/traces` }) })] });
    const span = provider.getTracer('privacy-e2e-own').startSpan('step', { attributes: { 'lookout.note': text } }, ROOT_CONTEXT);
    span.end();
    await provider.shutdown();
    const res = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        batch: [
          { type: 'generation', traceId: trace, startTime: Date.now() - 1_000, durationMs: 10, model: 'gpt-4o', metadata: { 'lookout.note': text } },
          { type: 'log', id: randomBytes(8).toString('hex'), traceId: trace, body: 'note', attributes: { 'lookout.note': text } },
        ],
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const read = (await readBack(server.url, [trace, span.spanContext().traceId])) + (await (await fetch(`${server.url}/api/v1/logs?traceId=${trace}`)).text());
    expect({ files: await filesHoldingAny(dataDir, own), reads: leakedIn(read, own) }).toEqual({ files: [], reads: [] });
  });

  // OTLP metric points carry attributes too (an end user's id is often their email).
  it('stores no planted value that came as an OTLP metric attribute', async () => {
    const values = plantValues();
    const metricsStaging = new WriteCapture(join(dataDir, 'staging'));
    const res = await fetch(`${server.url}/v1/metrics`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: await metricsWithAttributes({ 'enduser.id': values.email, 'app.note': sentenceOf(values, control) }) });
    expect(res.status).toBe(200);
    const read = await (await fetch(`${server.url}/api/v1/otel-metrics/privacy.e2e.requests?from=1h`)).text();
    await metricsStaging.close();
    expect(read).toContain('privacy.e2e.requests');
    const own = needlesOf(values);
    expect({ files: await filesHoldingAny(dataDir, own), staging: metricsStaging.holding(own), reads: leakedIn(read, own) }).toEqual({ files: [], staging: [], reads: [] });
  });

  it('stores no planted value in any file or database row after a stop (checkpoint)', async () => {
    const status = await server.stop();
    expect(status.code, server.output()).toBe(0);
    const found = await filesHoldingAny(dataDir, needles);
    expect(found).toEqual([]);
    const rows = await tablesHolding(join(dataDir, 'lookout.duckdb'), { ...needles, control });
    expect(rows.filter((r) => r.value !== 'control')).toEqual([]);
    // The row search sees stored text: the harmless marker is in the spans.
    expect(rows.some((r) => r.value === 'control' && r.table.endsWith('spans'))).toBe(true);
  });
});
