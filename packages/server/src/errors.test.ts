import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './config/config.ts';
import { ERRORS, formatZodIssue, LookoutError, type ErrorCode } from './errors.ts';
import { AnalyticsInputError } from './query/validate.ts';
import { RollupRangeError } from './rollups/rollups.ts';
import { CliError } from './cli/http.ts';
import { GatewayPathError } from './ingest/gateway/path.ts';
import { AttributionError } from './ingest/gateway/headers.ts';
import { PriceOverrideError } from './enrich/pricing/overrides.ts';
import { BudgetInputError } from './budgets/schema.ts';
import { ActivationConflictError, ActivationNotFoundError } from './alerts/actions/engine.ts';
import { ProjectLimitError, RuleConflictError, RuleNotFoundError } from './alerts/engine/engine.ts';
import { SilenceInputError } from './alerts/engine/silences.ts';
import { RuleValidationError } from './alerts/service.ts';
import { OutboundRefusedError } from './alerts/notifications/ssrf.ts';
import { OtlpDecodeError } from './ingest/otlp/errors.ts';
import { makeTestApp, type TestApp } from './testing/app.ts';

const here = dirname(fileURLToPath(import.meta.url));
const docs = readFileSync(join(here, '../../../docs/errors.md'), 'utf8');

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) sourceFiles(p, out);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

// One of each domain error, as its code path raises it.
const DOMAIN_ERRORS: LookoutError[] = [
  new ConfigError('port: must be at most 65535'),
  new AnalyticsInputError('measures', "'colour' is not a measure"),
  new RollupRangeError('the rule yields more than 10000 series'),
  new CliError('--since: not a duration'),
  new GatewayPathError('an encoded slash'),
  new AttributionError('x-lookout-user: too long'),
  new PriceOverrideError([{ path: 'model', message: 'required' }]),
  new BudgetInputError('limitUsd', 'must be more than 0'),
  new BudgetInputError('scope', 'unknown parameter', 'invalid_parameter'),
  new ActivationNotFoundError('no activation a1'),
  new ActivationConflictError('a1 is reverted already'),
  new RuleNotFoundError('no rule r1'),
  new RuleConflictError('r1 comes from a file'),
  new ProjectLimitError('at most 200 rules'),
  new SilenceInputError('endsAt', 'is in the past'),
  new RuleValidationError([]),
  new OutboundRefusedError('10.0.0.1 is a private address'),
  new OtlpDecodeError('not protobuf'),
];

describe('the error catalog', () => {
  it('documents every code with its status in docs/errors.md, and no code that does not exist', () => {
    const rows = new Map<string, number>();
    for (const m of docs.matchAll(/^\| `([a-z0-9_]+)` \| (\d{3}) \|/gm)) rows.set(m[1], Number(m[2]));
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(rows.get(code), `docs/errors.md has no row for '${code}'`).toBe(spec.status);
    }
    // The gateway's own codes are in their own table, after the catalog's.
    const catalogTable = docs.slice(0, docs.indexOf('## Gateway errors'));
    const documented = [...catalogTable.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.filter((c) => !(c in ERRORS))).toEqual([]);
  });

  it('has every error class in the server extend LookoutError', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(here)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/class (\w+) extends (\w+)/g)) {
        if (m[2] === 'Error' && !(m[1] === 'LookoutError' && file.endsWith('errors.ts'))) offenders.push(`${relative(here, file)}: ${m[1]}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('gives each domain error a code of the catalog', () => {
    for (const err of DOMAIN_ERRORS) {
      expect(err).toBeInstanceOf(LookoutError);
      expect(ERRORS[err.code], err.name).toBeDefined();
      expect(err.status).toBe(ERRORS[err.code].status);
      expect(err.status, `${err.name} must not be a 500`).toBeLessThan(500);
    }
  });

  it('formats a zod issue with its path, and unknown keys by name', () => {
    const schema = z.object({ limit: z.number().max(10, 'must be at most 10'), nested: z.object({ a: z.number() }).strict() }).strict();
    const bad = schema.safeParse({ limit: 11, nested: { a: 1 } });
    expect(bad.success).toBe(false);
    expect(formatZodIssue(bad.error!.issues[0], { prefix: 'batch[2]' })).toBe('batch[2].limit: must be at most 10');
    const extra = schema.safeParse({ limit: 1, nested: { a: 1, b: 2, c: 3 } });
    expect(formatZodIssue(extra.error!.issues[0], { noun: 'parameter' })).toBe('nested.b, nested.c: unknown parameters');
    const colour = schema.safeParse({ limit: 1, nested: { a: 1 }, colour: 'red' });
    expect(formatZodIssue(colour.error!.issues[0], { noun: 'parameter' })).toBe('colour: unknown parameter');
  });
});

describe('the error handler', () => {
  let t: TestApp;
  beforeAll(async () => {
    // A route that raises whichever domain error the query names, as a handler deep in a
    // feature would; nothing on the way translates it.
    t = await makeTestApp({}, [
      (app) => {
        app.get('/test/raise', async (request) => {
          throw DOMAIN_ERRORS[Number((request.query as { i: string }).i)];
        });
      },
    ]);
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('answers every domain error with its own status and code, never a 500', async () => {
    for (const [i, err] of DOMAIN_ERRORS.entries()) {
      const res = await t.app.inject({ url: `/test/raise?i=${i}` });
      expect(res.statusCode, err.name).toBe(ERRORS[err.code as ErrorCode].status);
      expect(res.json().error).toMatchObject({ code: err.code, message: err.message });
    }
  });

});
