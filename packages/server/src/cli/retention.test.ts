import { Command, Option } from 'commander';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { generation, makeTestApp, type TestApp } from '../testing/app.ts';
import { CliError } from './http.ts';
import { registerRetentionCommands, retentionBody, runRetention, setRetention, showRetention } from './retention.ts';

const DAY_MS = 86_400_000;

let t: TestApp;
let url: string;
beforeAll(async () => {
  t = await makeTestApp({ retention: { contentDays: 3, spansDays: 20, rollupsDays: 300 } });
  url = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  const res = await t.app.inject({ method: 'PUT', url: '/api/v1/project/retention', payload: { contentDays: null, spansDays: null, rollupsDays: null } });
  expect(res.statusCode).toBe(200);
});

const tiers = async () => (await t.app.inject('/api/v1/project/retention')).json();

function collect(): { write: (text: string) => void; text: () => string } {
  const out: string[] = [];
  return { write: (s) => void out.push(s), text: () => out.join('') };
}

// The tier's row of the table: name, days, source, default days, cutoff.
const row = (text: string, tier: string) => text.split('\n').find((l) => l.startsWith(`${tier} `))?.split(/\s{2,}/);

describe('lookout retention', () => {
  it('shows the tiers, which follow the defaults, the cutoffs, the archive and the last run', async () => {
    const out = collect();
    await showRetention({ url }, out.write);
    const { cutoffs } = await tiers();
    expect(row(out.text(), 'content')).toEqual(['content', '3', 'default', '3', cutoffs.contentBefore]);
    expect(row(out.text(), 'spans')).toEqual(['spans', '20', 'default', '20', cutoffs.spansBefore]);
    expect(row(out.text(), 'rollups')).toEqual(['rollups', '300', 'default', '300', cutoffs.rollupsBefore]);
    expect(out.text()).toContain('spans from:   none removed yet\n');
    expect(out.text()).toContain('archive:      off\n');
    expect(out.text()).toContain('last run:     none yet\n');

    const json = collect();
    await showRetention({ url, json: true }, json.write);
    expect(JSON.parse(json.text())).toMatchObject({ contentDays: 3, spansDays: 20, rollupsDays: 300, isDefault: { spansDays: true }, lastRun: null });
  });

  it("sets a tier, then returns it to the default with --default, and prints the project's tiers", async () => {
    const set = collect();
    await setRetention({ url, spans: '60', rollups: '500' }, set.write);
    expect(row(set.text(), 'spans')).toEqual(['spans', '60', 'project', '20', expect.any(String)]);
    expect(row(set.text(), 'rollups')?.slice(0, 4)).toEqual(['rollups', '500', 'project', '300']);
    expect(await tiers()).toMatchObject({ contentDays: 3, spansDays: 60, rollupsDays: 500, isDefault: { contentDays: true, spansDays: false, rollupsDays: false } });

    const back = collect();
    await setRetention({ url, default: 'spans,rollups' }, back.write);
    expect(row(back.text(), 'spans')?.slice(0, 4)).toEqual(['spans', '20', 'default', '20']);
    expect(await tiers()).toMatchObject({ spansDays: 20, rollupsDays: 300, isDefault: { spansDays: true, rollupsDays: true } });
  });

  it('refuses a call that sets nothing, or says a thing twice or unclearly, before asking the server', async () => {
    await expect(setRetention({ url }, () => undefined)).rejects.toThrow(/^nothing to set: give --content, --spans, --rollups/);
    expect(() => retentionBody({})).toThrow(CliError);
    expect(() => retentionBody({ spans: 'ten' })).toThrow('--spans ten: give a whole number of days');
    expect(() => retentionBody({ spans: '2.5' })).toThrow('--spans 2.5: give a whole number of days');
    expect(() => retentionBody({ default: 'hot' })).toThrow("'hot' is not a tier; use content, spans, rollups");
    expect(() => retentionBody({ spans: '9', default: 'spans' })).toThrow('--spans and --default spans: give one or the other');
    expect(retentionBody({ content: '2', default: 'rollups' })).toEqual({ contentDays: 2, rollupsDays: null });
    expect(await tiers()).toMatchObject({ isDefault: { contentDays: true, spansDays: true, rollupsDays: true } });
  });

  it("shows the server's 400 as it is for tiers out of order, and changes nothing", async () => {
    await expect(setRetention({ url, content: '10', spans: '5' }, () => undefined)).rejects.toThrow(
      'PUT /api/v1/project/retention failed with 400: contentDays: must not exceed spansDays (5)',
    );
    await expect(setRetention({ url, spans: '301' }, () => undefined)).rejects.toThrow('failed with 400: spansDays: must not exceed rollupsDays (300)');
    expect(await tiers()).toMatchObject({ contentDays: 3, spansDays: 20, isDefault: { contentDays: true, spansDays: true } });
  });

  it('takes its flags from the command line', async () => {
    const program = new Command().exitOverride();
    registerRetentionCommands(program, { urlOption: () => new Option('--url <url>'), keyOption: () => new Option('--key <key>') });
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await program.parseAsync(['retention', 'set', '--content', '2', '--spans', '40', '--url', url], { from: 'user' });
      expect(await tiers()).toMatchObject({ contentDays: 2, spansDays: 40, isDefault: { contentDays: false, spansDays: false, rollupsDays: true } });
      await program.parseAsync(['retention', 'set', '--default', 'content', '--url', url], { from: 'user' });
      expect(await tiers()).toMatchObject({ contentDays: 3, spansDays: 40, isDefault: { contentDays: true, spansDays: false } });
    } finally {
      write.mockRestore();
    }
  });

  it('runs the job now and prints what it removed', async () => {
    const batch = [2, 10, 45].map((age) => generation({ startTime: new Date(Date.now() - age * DAY_MS).toISOString(), input: `prompt ${age}`, output: 'answer' }));
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { batch } })).statusCode).toBe(200);
    const out = collect();
    const run = await runRetention({ url }, out.write);
    expect(run).toMatchObject({ trigger: 'manual', contentStripped: { spans: 2 }, deleted: { spans: 1 } });
    expect(out.text()).toMatch(/^retention run \(manual\) at \S+, \d+ ms: content stripped from 2 spans and 0 logs; deleted 1 spans, 0 scores, 0 logs, 0 metric points, 0 hours of totals; archive off\n$/);

    const shown = collect();
    await showRetention({ url }, shown.write);
    expect(shown.text()).toContain(`spans from:   ${run.cutoffs.spansBefore}\n`);
    expect(shown.text()).toContain('last run:     retention run (manual)');

    const json = collect();
    await runRetention({ url, json: true }, json.write);
    expect(JSON.parse(json.text())).toMatchObject({ trigger: 'manual', deleted: { spans: 0 } });
  });
});
