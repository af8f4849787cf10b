import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { hex } from '../testing/fixtures.ts';
import { erase, eraseBody } from './erase.ts';
import { CliError } from './http.ts';

let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await makeTestApp();
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

describe('lookout erase', () => {
  it('takes exactly one of --user, --session, --trace', () => {
    expect(() => eraseBody({})).toThrow(CliError);
    expect(() => eraseBody({ user: 'a', trace: 'b' })).toThrow('exactly one of --user, --session or --trace');
    expect(eraseBody({ session: 's' })).toEqual({ sessionId: 's' });
  });

  it("erases a user's records with --wait and prints what it deleted", async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: [generation({ traceId: hex(16), userId: 'cli-user' }), generation({ traceId: hex(16), userId: 'cli-user' })] } });
    expect(res.statusCode).toBe(200);
    const lines: string[] = [];
    const job = await erase({ url, user: 'cli-user', wait: true }, (l) => lines.push(l), async () => undefined);
    expect(job).toMatchObject({ status: 'done', counts: { spans: 2 } });
    expect(lines[0]).toMatch(/^erasure [0-9a-f-]+: running$/);
    expect(lines[1]).toContain(': done; spans 2, scores 0, logs 0');
    expect((await t.app.inject('/api/v1/spans')).json().spans).toEqual([]);
  });

  it("reports the server's refusal", async () => {
    await expect(erase({ url, trace: 'not-hex' }, () => undefined)).rejects.toThrow(/POST \/api\/v1\/erasure failed with 400: .*traceId/);
  });
});
