import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { init, wrapOpenAI, type LookoutHandle } from './index.ts';

// The wrapper must not lengthen the caller's own promise chain: these resources hand back an
// object shaped like the clients' APIPromise (a response promise, a lazy parseResponse, then()
// through both), so every turn is a microtask and the turns can be counted.

const exporter = new InMemorySpanExporter();
let sdk: LookoutHandle;

beforeAll(() => {
  sdk = init({ exporter, scheduledDelayMs: 60_000 });
});
afterAll(async () => {
  await sdk.shutdown();
});
beforeEach(() => exporter.reset());

const answer = { id: 'chatcmpl-1', model: 'gpt-4o-mini-2024-07-18', choices: [{ index: 0, finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 2 } };

class ApiPromiseShape {
  responsePromise: Promise<unknown>;
  parseResponse: (data: unknown) => Promise<unknown>;
  parsedPromise?: Promise<unknown>;
  constructor(parse: (data: unknown) => Promise<unknown>) {
    this.responsePromise = Promise.resolve(answer);
    this.parseResponse = parse;
  }
  then<A, B>(onValue?: (v: unknown) => A, onError?: (e: unknown) => B): Promise<A | B> {
    this.parsedPromise ??= this.responsePromise.then((d) => this.parseResponse(d));
    return this.parsedPromise.then(onValue, onError);
  }
}

function client(parse: (data: unknown) => Promise<unknown> = async (d) => d) {
  return { chat: { completions: { create: (_params: unknown) => new ApiPromiseShape(parse) } } };
}

// Microtask turns between the call and the caller resuming.
async function turns(call: () => unknown): Promise<{ turns: number; queuedAtResume: number }> {
  let count = 0;
  let done = false;
  const tick = () => {
    if (done || count > 1000) return;
    count++;
    queueMicrotask(tick);
  };
  queueMicrotask(tick);
  await call();
  done = true;
  return { turns: count, queuedAtResume: sdk.stats().queued };
}

const params = { model: 'gpt-4o-mini', messages: [] };

describe("the wrapper on the caller's path", () => {
  it('resumes the caller after as many microtask turns as the unwrapped client, the span already ended', async () => {
    const plain = client();
    const wrapped = wrapOpenAI(client());
    const before = sdk.stats().queued;
    const unwrapped = await turns(() => plain.chat.completions.create(params));
    const traced = await turns(() => wrapped.chat.completions.create(params));
    expect(traced.turns).toBe(unwrapped.turns);
    expect(traced.queuedAtResume).toBe(before + 1);
    await sdk.flush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes).toMatchObject({ 'gen_ai.response.id': 'chatcmpl-1', 'gen_ai.usage.input_tokens': 10 });
  });

  it('a failed parse reaches the caller unchanged and marks the span, with nothing left unhandled', async () => {
    const failure = new Error('bad body');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const wrapped = wrapOpenAI(
        client(async () => {
          throw failure;
        }),
      );
      await expect(wrapped.chat.completions.create(params)).rejects.toBe(failure);
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    await sdk.flush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'bad body' });
  });
});
