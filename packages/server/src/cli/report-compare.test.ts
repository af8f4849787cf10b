import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { experimentTraffic } from '../query/experiments/traffic.testing.ts';
import { runReport, type ReportOptions } from './report.ts';

// `lookout report compare` against a running server holding the generated A/B/C/D traffic
// (query/experiments/traffic.testing.ts), which started six days ago.

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await makeTestApp();
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const items = experimentTraffic(today - 6 * 86_400_000);
  for (let i = 0; i < items.length; i += 500) {
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch: items.slice(i, i + 500) } })).statusCode).toBe(200);
  }
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await t?.close();
});

async function report(over: Partial<ReportOptions> = {}): Promise<string> {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  await runReport('compare', { url, since: '7d', by: 'variant', feature: 'support', values: 'A,B,C', format: 'table', ...over }, out);
  return text;
}

describe('lookout report compare', () => {
  it('prints the groups side by side with intervals, p-values and verdicts, and where their calls are', async () => {
    const text = await report();
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Compare variant for feature support, \S+ to \S+$/);
    expect(lines[1]).toContain('Baseline A (the first value). 95% intervals in brackets');
    const row = (label: string, after = 0) => lines.slice(after).find((l) => l.startsWith(label))!;
    expect(row('metric')).toMatch(/^metric\s+A \(baseline\)\s+B\s+C$/);
    expect(row('calls')).toMatch(/^calls\s+300\s+300\s+300$/);
    // Cost per call: figures with intervals, then B 30% below with p < 0.001, C not different.
    expect(row('cost per call')).toMatch(/^cost per call\s+\$0\.004\d+ \[\$0\.004\d+, \$0\.004\d+\]\s+\$0\.003\d+ \[\$0\.003\d+, \$0\.003\d+\]\s+\$0\.004\d+ \[/);
    const costIndex = lines.findIndex((l) => l.startsWith('cost per call'));
    expect(lines[costIndex + 1]).toMatch(/^ {2}vs A\s+-30\.\d% p<0\.001 better\s+[+-]\d+\.\d% p=\d\.\d{3} no significant difference$/);
    const p50 = lines.findIndex((l) => l.startsWith('latency p50'));
    expect(lines[p50 + 1]).toMatch(/no significant difference\s+\+\d\d\.\d% p<0\.001 worse$/);
    const score = lines.findIndex((l) => l.startsWith('score helpfulness'));
    // The application's own score, of no known direction: lower, not worse.
    expect(lines[score + 1]).toMatch(/no significant difference\s+-\d\d\.\d% p<0\.001 lower$/);
    expect(text).toContain(`  B: ${url}/traces?`);
    expect(text).toContain('metadata=lookout.prompt.variant%3AB');
    expect(text).not.toContain('Too few calls');
  });

  it('--higher-is-better and --lower-is-better give a score its direction', async () => {
    const row = (text: string) => {
      const lines = text.split('\n');
      return lines[lines.findIndex((l) => l.startsWith('score helpfulness')) + 1];
    };
    expect(row(await report({ higherIsBetter: 'helpfulness' }))).toMatch(/p<0\.001 worse$/);
    expect(row(await report({ lowerIsBetter: 'helpfulness' }))).toMatch(/p<0\.001 better$/);
  });

  it('--limit, --to and --prompt narrow the comparison; a baseline without calls is said in words', async () => {
    const limited = await report({ values: undefined, limit: '2' });
    expect(limited.split('\n').find((l) => l.startsWith('metric'))).toMatch(/^metric\s+A \(baseline\)\s+B$/);
    // Up to the start of the day before yesterday: B and C lose their fourth day of calls.
    const early = await report({ to: new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000).toISOString() });
    expect(early.split('\n').find((l) => l.startsWith('calls'))).toMatch(/^calls\s+300\s+225\s+225$/);
    const prompt = await report({ prompt: 'support-answer', values: 'A,B' });
    expect(prompt.split('\n')[0]).toMatch(/^Compare variant for feature support, prompt support-answer, /);
    expect(prompt).toContain(`/traces?${new URLSearchParams({ feature: 'support', prompt: 'support-answer' })}`.replace('/traces?', '&'));
    const none = await report({ values: 'none,A,B' });
    expect(none).toContain('No baseline: the baseline asked for has no calls in this range, so nothing is tested.');
    expect(none).not.toContain('Baseline null');
    expect(none).not.toContain('  vs ');
  });

  it('warns about a group with too few calls', async () => {
    const text = await report({ values: 'A,D' });
    expect(text).toMatch(/cost per call\s+\S+ \[\S+, \S+\]\s+\S+ \[\S+, \S+\] !/);
    expect(text).toContain('Too few calls:\n  D: cost per call rests on 8 values, fewer than the 30 it needs to be read with confidence');
  });

  it('--format csv has a row per group and metric; --format json is the API answer', async () => {
    const csv = (await report({ format: 'csv' })).trim().split('\r\n');
    expect(csv[0]).toBe('group,baseline,metric,n,value,ci_low,ci_high,test,p_value,adjusted_p_value,difference,relative_difference,verdict,warning');
    expect(csv).toHaveLength(1 + 3 * 7);
    expect(csv.find((l) => l.startsWith('B,,cost_per_call,300,'))).toMatch(/,welch_t,[^,]+,[^,]+,-[^,]+,-0\.[23]\d+,better,$/);
    const json = JSON.parse(await report({ format: 'json' }));
    expect(json.baseline).toEqual({ value: 'A', chosenBy: 'first_value' });
    expect(json.groups).toHaveLength(3);
  });

  it("a bad --by is the server's 400, naming the parameter", async () => {
    const err = await report({ by: 'status' }).catch((e: unknown) => e);
    expect((err as Error).message).toContain("by: 'status' cannot be compared");
  });
});
