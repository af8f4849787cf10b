import { createServer, type Server, type Socket } from 'node:net';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearPromptCache, compilePrompt, getPrompt, init, PromptUnavailableError, type LookoutHandle } from './index.ts';

describe('compilePrompt', () => {
  it('fills {{variable}} in text and in every chat message, leaving unknown ones as they are', () => {
    expect(compilePrompt('Hi {{name}}, {{ name }}! {{missing}} {{n}} {{ok}}', { name: 'Ada', n: 3, ok: false })).toBe('Hi Ada, Ada! {{missing}} 3 false');
    expect(
      compilePrompt(
        [
          { role: 'system', content: 'About {{product}}' },
          { role: 'user', content: '{{question}}' },
        ],
        { product: 'Lookout', question: 'why?' },
      ),
    ).toEqual([
      { role: 'system', content: 'About Lookout' },
      { role: 'user', content: 'why?' },
    ]);
  });

  it('puts values in as they are: no replacement patterns, no second pass, no inherited keys', () => {
    expect(compilePrompt('{{a}} {{b}}', { a: '$& $1 {{b}}', b: 'B' })).toBe('$& $1 {{b}} B');
    expect(compilePrompt('{{toString}} {{constructor}}', {})).toBe('{{toString}} {{constructor}}');
  });
});

// A server that takes connections and never answers: Lookout hanging.
describe('getPrompt when Lookout hangs', () => {
  let server: Server;
  let sdk: LookoutHandle;
  let connections = 0;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      sockets.push(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    sdk = init({ endpoint: `http://127.0.0.1:${port}`, exporter: new InMemorySpanExporter(), serviceName: 'sdk-prompts-unit' });
  });
  afterAll(async () => {
    await sdk.shutdown();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    clearPromptCache();
    connections = 0;
  });

  it('waits once for calls made together, then answers with the fallback at once until the retry interval', async () => {
    const started = Date.now();
    const calls = await Promise.all(Array.from({ length: 10 }, () => getPrompt('support', { fallback: 'Be helpful.', timeoutMs: 300 })));
    expect(Date.now() - started).toBeLessThan(1_500);
    for (const p of calls) expect(p).toMatchObject({ source: 'fallback', prompt: 'Be helpful.', error: 'no answer from Lookout within 300 ms' });
    // One request for the ten calls.
    expect(connections).toBe(1);

    // Later calls do not wait on the hanging server again within the retry interval.
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) expect((await getPrompt('support', { fallback: 'Be helpful.', timeoutMs: 300 })).source).toBe('fallback');
    expect(Date.now() - t0).toBeLessThan(250);
    expect(connections).toBe(1);
    // Without a fallback the remembered failure is thrown, naming the prompt.
    await expect(getPrompt('support', { timeoutMs: 300 })).rejects.toThrow(PromptUnavailableError);
    await expect(getPrompt('support', { timeoutMs: 300 })).rejects.toThrow(/^prompt 'support' \(label production\): no answer from Lookout within 300 ms/);
    // Another label is another prompt to ask for.
    expect((await getPrompt('support', { label: 'staging', fallback: 'x', timeoutMs: 200 })).source).toBe('fallback');
    expect(connections).toBeGreaterThan(1);
  });
});
