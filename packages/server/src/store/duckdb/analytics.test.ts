import { describe, expect, it } from 'vitest';
import { parseAnalyticsQueryParams, parseChargebackParams } from '../../query/params.ts';
import { AnalyticsInputError } from '../../query/validate.ts';
import { DAY_MS } from '../../domain/time.ts';

// The analytics' behaviour over stored rows is the store contract's (store/contract/analytics*.ts);
// reading a query from HTTP parameters is checked here.

// 2026-11-10T12:00:00Z, a Tuesday.
const T0 = Date.UTC(2026, 10, 10, 12);

describe('pure helpers', () => {
  it('parses HTTP parameters into a query and names the bad parameter', () => {
    const now = T0;
    const parsed = parseAnalyticsQueryParams(
      { measures: 'cost,requests', groupBy: 'team', from: '2026-11-01', to: 'now', bucket: 'day', filter: ['team:core', 'model:ft:gpt-4o:acme,gpt-4o'], orderBy: 'requests:asc', limit: '5' },
      now,
    );
    expect(parsed).toEqual({
      measures: ['cost', 'requests'],
      groupBy: ['team'],
      filters: [
        { dimension: 'team', values: ['core'] },
        { dimension: 'model', values: ['ft:gpt-4o:acme', 'gpt-4o'] },
      ],
      fromMs: Date.UTC(2026, 10, 1),
      toMs: now,
      bucket: 'day',
      orderBy: { measure: 'requests', dir: 'asc' },
      limit: 5,
    });
    expect(parseAnalyticsQueryParams({ measures: 'cost' }, now)).toMatchObject({ fromMs: now - 7 * DAY_MS, toMs: now });
    expect(parseAnalyticsQueryParams({ measures: 'cost', from: '24h' }, now)).toMatchObject({ fromMs: now - DAY_MS, toMs: now });
    expect(parseAnalyticsQueryParams({ measures: 'cost', from: '2026-11-01T10:00:00Z' }, now)).toMatchObject({ fromMs: Date.UTC(2026, 10, 1, 10) });
    const param = (raw: unknown) => {
      try {
        parseAnalyticsQueryParams(raw, now);
      } catch (e) {
        return (e as AnalyticsInputError).message;
      }
      return 'ok';
    };
    expect(param({ measures: 'cost', from: '2026-02-30' })).toMatch(/^from: /);
    expect(param({ measures: 'cost', from: 'yesterday' })).toMatch(/^from: /);
    // A date-time without an offset was read as UTC here and as local time elsewhere: it is refused.
    expect(param({ measures: 'cost', from: '2026-11-01T10:00:00' })).toMatch(/^from: '2026-11-01T10:00:00' has no offset: add Z/);
    // Epoch seconds were refused here and read as milliseconds on /spans.
    expect(parseAnalyticsQueryParams({ measures: 'cost', from: '1793491200' }, now)).toMatchObject({ fromMs: Date.UTC(2026, 10, 1) });
    expect(param({ measures: 'nope' })).toMatch(/^measures: 'nope' is not a measure/);
    expect(param({})).toMatch(/^measures: /);
    expect(param({ measures: 'cost', groupBy: 'teams' })).toMatch(/^groupBy: /);
    expect(param({ measures: 'cost', filter: 'team' })).toMatch(/^filter: /);
    expect(param({ measures: 'cost', bucket: 'year' })).toMatch(/^bucket: /);
    expect(param({ measures: 'cost', limit: '-1' })).toMatch(/^limit: /);
    expect(param({ measures: 'cost', group_by: 'team' })).toBe('group_by: unknown parameter');
    expect(parseChargebackParams({ month: '2026-11', by: 'department,team', format: 'csv' }, now)).toEqual({ month: '2026-11', by: ['department', 'team'], format: 'csv' });
    expect(() => parseChargebackParams({ month: '2026-13' }, now)).toThrow(AnalyticsInputError);
    expect(() => parseChargebackParams({ by: 'user' }, now)).toThrow(/is not one of department, team, application/);
  });
});
