import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyUsage } from '../../domain/span.ts';
import {
  loadOverridesFile,
  parsePriceOverride,
  parsePriceOverrides,
  PriceOverrideError,
  priceOverrideInputSchema,
} from './overrides.ts';
import { Pricer } from './pricer.ts';

const dir = mkdtempSync(join(tmpdir(), 'lookout-prices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(fn: () => unknown): PriceOverrideError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PriceOverrideError) return err;
    throw err;
  }
  throw new Error('expected a PriceOverrideError');
}

describe('priceOverrideInputSchema', () => {
  it('accepts a minimal entry and fills defaults', () => {
    const o = parsePriceOverride({ model: 'acme-llm', inputPerMtokUsd: 0.2, outputPerMtokUsd: 0.8 });
    expect(o).toMatchObject({
      provider: null,
      model: 'acme-llm',
      effectiveFrom: '1970-01-01T00:00:00.000Z',
      effectiveTo: null,
      inputPerMtokUsd: 0.2,
      outputPerMtokUsd: 0.8,
      cacheReadPerMtokUsd: null,
    });
    expect(o.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('normalises times to RFC 3339 UTC; a bare date is UTC midnight', () => {
    const o = parsePriceOverride({
      model: 'm',
      effectiveFrom: '2025-03-01',
      effectiveTo: '2025-04-01T12:30Z',
      inputPerMtokUsd: 1,
      outputPerMtokUsd: 1,
    });
    expect(o.effectiveFrom).toBe('2025-03-01T00:00:00.000Z');
    expect(o.effectiveTo).toBe('2025-04-01T12:30:00.000Z');
    const zoned = parsePriceOverride({ model: 'm', effectiveFrom: '2025-03-01T02:00:00+02:00', inputPerMtokUsd: 1, outputPerMtokUsd: 1 });
    expect(zoned.effectiveFrom).toBe('2025-03-01T00:00:00.000Z');
  });

  it('gives the same entry the same id, and a different entry a different one', () => {
    const entry = { provider: 'acme', model: 'acme-llm', inputPerMtokUsd: 1, outputPerMtokUsd: 2 };
    expect(parsePriceOverride(entry).id).toBe(parsePriceOverride({ ...entry }).id);
    expect(parsePriceOverride(entry).id).not.toBe(parsePriceOverride({ ...entry, outputPerMtokUsd: 3 }).id);
    expect(parsePriceOverride({ ...entry, id: 'mine' }).id).toBe('mine');
  });

  it.each([
    [{ model: '', inputPerMtokUsd: 1, outputPerMtokUsd: 1 }, 'model: must not be empty'],
    [{ inputPerMtokUsd: 1, outputPerMtokUsd: 1 }, 'model: is required'],
    [{ model: 'm', inputPerMtokUsd: -1, outputPerMtokUsd: 1 }, 'inputPerMtokUsd: must be a finite number ≥ 0'],
    [{ model: 'm', inputPerMtokUsd: Number.POSITIVE_INFINITY, outputPerMtokUsd: 1 }, 'inputPerMtokUsd: must be a finite number ≥ 0'],
    [{ model: 'm', inputPerMtokUsd: 1, outputPerMtokUsd: '2' }, 'outputPerMtokUsd: must be a finite number ≥ 0'],
    [{ model: 'm', inputPerMtokUsd: 1, outputPerMtokUsd: 1, cacheReadPerMtokUsd: Number.NaN }, 'cacheReadPerMtokUsd: must be a finite number'],
    [{ model: 'm', inputPerMtokUsd: 1, outputPerMtokUsd: 1, effectiveFrom: 'yesterday' }, "effectiveFrom: 'yesterday' is not a time"],
    [{ model: 'm', inputPerMtokUsd: 1, outputPerMtokUsd: 1, effectiveFrom: '2025-02-30' }, "effectiveFrom: '2025-02-30' is not a date in the calendar"],
    [{ model: 'm', inputPerMtokUsd: 1, outputPerMtokUsd: 1, effectiveFrom: '2025-02-01T10:00' }, "effectiveFrom: '2025-02-01T10:00' has no offset: add Z for UTC"],
    [
      { model: 'm', inputPerMtokUsd: 1, outputPerMtokUsd: 1, effectiveFrom: '2025-03-01', effectiveTo: '2025-03-01' },
      'effectiveTo: must be after effectiveFrom (2025-03-01T00:00:00.000Z)',
    ],
    [{ model: 'm', input_per_mtok_usd: 1, inputPerMtokUsd: 1, outputPerMtokUsd: 1 }, 'unknown field input_per_mtok_usd'],
  ])('rejects %j naming the field', (entry, message) => {
    const err = errorOf(() => parsePriceOverride(entry));
    expect(err.message).toContain(message);
  });

  it('is a zod schema other code can reuse', () => {
    expect(priceOverrideInputSchema.safeParse({ model: 'm', inputPerMtokUsd: 1, outputPerMtokUsd: 1 }).success).toBe(true);
  });
});

describe('parsePriceOverrides', () => {
  it('accepts a list or { overrides: [...] } and reports every bad entry by index', () => {
    expect(parsePriceOverrides([{ model: 'a', inputPerMtokUsd: 1, outputPerMtokUsd: 1 }])).toHaveLength(1);
    expect(parsePriceOverrides({ overrides: [] })).toEqual([]);
    const err = errorOf(() =>
      parsePriceOverrides({
        overrides: [
          { model: 'a', inputPerMtokUsd: 1, outputPerMtokUsd: 1 },
          { model: 'b', inputPerMtokUsd: -1, outputPerMtokUsd: 1 },
          { model: '', inputPerMtokUsd: 1, outputPerMtokUsd: 1 },
        ],
      }),
    );
    expect(err.issues.map((i) => i.path)).toEqual(['overrides[1].inputPerMtokUsd', 'overrides[2].model']);
  });

  it('rejects duplicate ids', () => {
    const entry = { model: 'a', inputPerMtokUsd: 1, outputPerMtokUsd: 1 };
    const err = errorOf(() => parsePriceOverrides([entry, entry]));
    expect(err.message).toContain('[1].id: duplicates the id');
  });
});

describe('loadOverridesFile', () => {
  it('reads YAML', () => {
    const path = file(
      'prices.yaml',
      [
        'overrides:',
        '  - provider: acme',
        '    model: acme-llm-7b',
        '    effectiveFrom: 2025-03-01', // unquoted: YAML 1.2 keeps it a string
        '    inputPerMtokUsd: 0.2',
        '    outputPerMtokUsd: 0.8',
        '  - id: negotiated-gpt-4o',
        '    provider: openai',
        '    model: gpt-4o',
        '    effectiveFrom: "2025-03-01T00:00:00Z"',
        '    effectiveTo: "2025-04-01T00:00:00Z"',
        '    inputPerMtokUsd: 2',
        '    outputPerMtokUsd: 8',
        '    cacheReadPerMtokUsd: 1',
      ].join('\n'),
    );
    const overrides = loadOverridesFile(path);
    expect(overrides).toHaveLength(2);
    expect(overrides[0]).toMatchObject({ provider: 'acme', model: 'acme-llm-7b', effectiveFrom: '2025-03-01T00:00:00.000Z' });
    expect(overrides[1].id).toBe('negotiated-gpt-4o');
    // Ids of entries without one do not change between loads.
    expect(loadOverridesFile(path)[0].id).toBe(overrides[0].id);

    const pricer = new Pricer(overrides);
    const usage = { ...emptyUsage(), input: 1_000_000, output: 1_000_000 };
    const cost = pricer.price({
      provider: 'acme',
      requestModel: 'acme-llm-7b',
      responseModel: null,
      usage,
      startUs: Date.parse('2025-06-01T00:00:00Z') * 1000,
      kind: 'generation',
    });
    // 1,000,000 × 0.2 × 1000 + 1,000,000 × 0.8 × 1000
    expect(cost).toMatchObject({ status: 'priced', totalNanoUsd: 1_000_000_000, priceRowId: `override:${overrides[0].id}` });
  });

  it('reads JSON', () => {
    const path = file('prices.json', JSON.stringify([{ model: 'm', inputPerMtokUsd: 1, outputPerMtokUsd: 2 }]));
    expect(loadOverridesFile(path)).toMatchObject([{ model: 'm', inputPerMtokUsd: 1, outputPerMtokUsd: 2 }]);
  });

  it('names the file and the field on bad input', () => {
    const path = file(
      'bad.yaml',
      'overrides:\n  - model: ok\n    inputPerMtokUsd: 1\n    outputPerMtokUsd: 1\n  - model: bad\n    inputPerMtokUsd: .inf\n    outputPerMtokUsd: 1\n',
    );
    const err = errorOf(() => loadOverridesFile(path));
    expect(err.file).toBe(path);
    expect(err.message).toBe(`price overrides file ${path}: overrides[1].inputPerMtokUsd: must be a finite number ≥ 0 (USD per 1M tokens)`);
  });

  it('reports unreadable and unparsable files', () => {
    expect(errorOf(() => loadOverridesFile(join(dir, 'missing.yaml'))).message).toContain('missing.yaml: cannot read: file not found');
    expect(errorOf(() => loadOverridesFile(file('broken.json', '{"overrides": ['))).message).toContain('broken.json: not valid JSON');
    expect(errorOf(() => loadOverridesFile(file('broken.yaml', 'overrides: [\n  - a'))).message).toContain('broken.yaml: not valid YAML');
    expect(errorOf(() => loadOverridesFile(file('shape.yaml', 'prices: []'))).message).toContain('unknown top-level field prices');
  });

  it('an empty file is an empty list', () => {
    expect(loadOverridesFile(file('empty.yaml', ''))).toEqual([]);
  });
});
