import { afterEach, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../../testing/app.ts';
import { startFakeJudge, type FakeJudge } from '../../testing/fake-judge.ts';
import { hex } from '../../testing/fixtures.ts';

// An evaluator's judge.baseUrl is a project's URL the server will call: its form is refused at
// definition time, where it points at call time (a refusal is an answer, not a server error).

let t: TestApp | null = null;
const fakes: FakeJudge[] = [];
afterEach(async () => {
  await t?.ctx.judge?.stop();
  await t?.close();
  t = null;
  for (const f of fakes.splice(0)) await f.close();
});

const post = (url: string, payload: unknown) => t!.app.inject({ method: 'POST', url, payload: payload as object });
const judgeWith = (baseUrl: string) => ({ name: 'own-judge', kind: 'llm_judge', criterion: 'relevance', judge: { baseUrl } });

async function fake(): Promise<FakeJudge> {
  const f = await startFakeJudge(() => ({ score: 0.6 }));
  fakes.push(f);
  return f;
}

describe("an evaluator's judge.baseUrl", () => {
  it('is refused with a 400 naming the problem when it is not http(s) or carries credentials, on create, replace and try', async () => {
    t = await makeTestApp();
    const cases: [string, string][] = [
      ['file:///etc/passwd', "judge.baseUrl: must be an http(s) URL such as 'https://api.openai.com/v1'; file: URLs are not allowed"],
      ['gopher://10.0.0.1:6379/_INFO', "judge.baseUrl: must be an http(s) URL such as 'https://api.openai.com/v1'; gopher: URLs are not allowed"],
      ['not a url', "judge.baseUrl: must be an http(s) URL such as 'https://api.openai.com/v1'"],
      ['https://user:secret@judge.example.com/v1', 'judge.baseUrl: must not contain credentials (user:password@); give the key in judge.apiKey'],
      ['https://token@judge.example.com/v1', 'judge.baseUrl: must not contain credentials (user:password@); give the key in judge.apiKey'],
      ['https://judge.example.com/v1?key=x', 'judge.baseUrl: must not have a query or fragment'],
    ];
    for (const [baseUrl, message] of cases) {
      const res = await post('/api/v1/evaluators', judgeWith(baseUrl));
      expect({ baseUrl, status: res.statusCode, code: res.json().error?.code }).toEqual({ baseUrl, status: 400, code: 'invalid_request' });
      expect(res.json().error.message).toContain(message);
    }
    const created = await post('/api/v1/evaluators', judgeWith('https://judge.example.com/v1'));
    expect(created.statusCode).toBe(201);
    const replaced = await t.app.inject({ method: 'PUT', url: `/api/v1/evaluators/${created.json().id}`, payload: judgeWith('ftp://judge.example.com/v1') });
    expect(replaced.statusCode).toBe(400);
    expect(replaced.json().error.message).toMatch(/^judge\.baseUrl: must be an http\(s\) URL/);
    const tried = await post('/api/v1/evaluators/try', { evaluator: judgeWith('https://a:b@judge.example.com/v1'), traceId: hex(16) });
    expect(tried.statusCode).toBe(400);
    expect(tried.json().error.message).toBe('evaluator.judge.baseUrl: must not contain credentials (user:password@); give the key in judge.apiKey');
  });

  it('on a loopback address: try answers the refusal as a failed trial and nothing is sent; allow-listed, it is called', async () => {
    const instance = await fake();
    const own = await fake();
    t = await makeTestApp({ judge: { baseUrl: instance.url, apiKey: 'sk-instance' } });
    const traceId = hex(16);
    expect((await post('/api/v1/ingest', { batch: [generation({ traceId, input: 'hello?', output: 'hi' })] })).statusCode).toBe(200);
    const res = await post('/api/v1/evaluators/try', { evaluator: judgeWith(own.url), traceId });
    expect(res.statusCode).toBe(200);
    expect(res.json().trials[0]).toMatchObject({
      outcome: 'failed',
      value: null,
      error: "refused: the judge's host is a loopback address; allow it in alerts.notifications.allowedHosts",
    });
    expect(own.requests).toHaveLength(0);
    expect(instance.requests).toHaveLength(0);
    await t.ctx.judge?.stop();
    await t.close();

    // The instance's outbound allow-list (alerts.notifications.allowedHosts) lets it through.
    t = await makeTestApp({ judge: { baseUrl: instance.url, apiKey: 'sk-instance' }, alerts: { notifications: { allowedHosts: ['127.0.0.1'] } } });
    expect((await post('/api/v1/ingest', { batch: [generation({ traceId, input: 'hello?', output: 'hi' })] })).statusCode).toBe(200);
    const allowed = await post('/api/v1/evaluators/try', { evaluator: judgeWith(own.url), traceId });
    expect(allowed.json().trials[0]).toMatchObject({ outcome: 'scored', value: 0.6, error: null });
    expect(own.requests.map((r) => r.authorization)).toEqual([undefined]);
  });
});
