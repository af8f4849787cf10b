import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { makeTestApp, type TestApp } from '../../testing/app.ts';
import { gatewayResponses } from './gateway.ts';
import { otlpResponses } from './otlp.ts';

// OTLP and gateway answers are bytes, which the response check of the test app does not see:
// their documented JSON schemas are checked against what the routes send here.

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
}, 60_000);
afterAll(async () => {
  await t.close();
});

type Documented = Record<string | number, { content: Record<string, { schema: z.ZodType }> }>;

function expectDocumented(responses: Documented, res: { statusCode: number; body: string }, status: string | number = res.statusCode): void {
  const schema = responses[status].content['application/json'].schema;
  const parsed = schema.safeParse(JSON.parse(res.body));
  expect(parsed.success, `${res.statusCode} ${res.body}: ${parsed.error?.message}`).toBe(true);
}

const json = { 'content-type': 'application/json' };
const span = (traceId: string) => ({ traceId, spanId: '00f067aa0ba902b7', name: 'chat', kind: 3, startTimeUnixNano: String(Date.now() * 1e6), endTimeUnixNano: String(Date.now() * 1e6 + 1e9) });

describe('responses sent as bytes', () => {
  it('OTLP/JSON answers are what the document says: success, partial success and errors', async () => {
    const responses = otlpResponses('traces') as unknown as Documented;
    const ok = await t.app.inject({ method: 'POST', url: '/v1/traces', headers: json, payload: { resourceSpans: [{ scopeSpans: [{ spans: [span('4bf92f3577b34da6a3ce929d0e0e4736')] }] }] } });
    expect(ok.statusCode).toBe(200);
    expectDocumented(responses, ok);
    const partial = await t.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: json,
      payload: { resourceSpans: [{ scopeSpans: [{ spans: [span('5bf92f3577b34da6a3ce929d0e0e4736'), span('not-hex')] }] }] },
    });
    expect(partial.json().partialSuccess).toBeDefined();
    expectDocumented(responses, partial);
    const undecodable = await t.app.inject({ method: 'POST', url: '/v1/traces', headers: json, payload: '{"resourceSpans": 7}' });
    expect(undecodable.statusCode).toBe(400);
    expectDocumented(responses, undecodable);
    const unsupported = await t.app.inject({ method: 'POST', url: '/v1/logs', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(unsupported.statusCode).toBe(415);
    expectDocumented(otlpResponses('logs') as unknown as Documented, unsupported);
  });

  it.each(['openai', 'anthropic'] as const)("the gateway's own errors are the documented %s error", async (provider) => {
    const responses = gatewayResponses(provider) as unknown as Documented;
    const res = await t.app.inject({ method: 'POST', url: `/proxy/${provider}/v1/chat%2Fcompletions`, headers: json, payload: {} });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('invalid_path');
    expectDocumented(responses, res);
  });

  it('refusals of a missing key are in the format of the route: OTLP status, provider error', async () => {
    const keyed = await makeTestApp({ requireApiKeys: 'always' });
    try {
      const otlp = await keyed.app.inject({ method: 'POST', url: '/v1/traces', headers: json, payload: {} });
      expect(otlp.statusCode).toBe(401);
      expectDocumented(otlpResponses('traces') as unknown as Documented, otlp);
      const gateway = await keyed.app.inject({ method: 'POST', url: '/proxy/anthropic/v1/messages', headers: json, payload: {} });
      expect(gateway.statusCode).toBe(401);
      expectDocumented(gatewayResponses('anthropic') as unknown as Documented, gateway);
    } finally {
      await keyed.close();
    }
  });
});
