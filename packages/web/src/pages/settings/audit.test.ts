import { describe, expect, it } from 'vitest';
import { actorText, auditQuery, changeRows, EMPTY_FILTERS, otherDetails, outcome, whereText } from './audit.ts';

describe('audit log formatting', () => {
  it('names the actor', () => {
    expect(actorText({ kind: 'user', id: 'u1', email: 'ann@example.com' })).toBe('ann@example.com');
    expect(actorText({ kind: 'key', id: 'k1', email: null })).toBe('key k1');
    expect(actorText({ kind: 'key', id: null, email: null })).toBe('an unknown key');
    expect(actorText({ kind: 'local', id: null, email: null })).toBe('local operator (no key)');
  });

  it('says where from, briefly', () => {
    expect(whereText({ ip: '10.0.0.7', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36' })).toBe('10.0.0.7 · Chrome');
    expect(whereText({ ip: '::1', userAgent: 'curl/8.5.0' })).toBe('::1 · curl');
    expect(whereText({ ip: null, userAgent: null })).toBe('—');
  });

  it('marks denied attempts', () => {
    expect(outcome({ action: 'budgets.update.denied', status: 403 })).toEqual({ text: 'denied (403)', bad: true });
    expect(outcome({ action: 'budgets.update', status: 200 })).toEqual({ text: '200', bad: false });
  });

  it('lists only the fields that changed, before and after', () => {
    expect(changeRows({ before: { id: 'b1', limitUsd: 1, enforce: 'soft' }, after: { id: 'b1', limitUsd: 5, enforce: 'soft', name: 'x' } })).toEqual([
      { field: 'limitUsd', before: '1', after: '5' },
      { field: 'name', before: '—', after: 'x' },
    ]);
    expect(changeRows({ before: { contentCapture: 'full' }, after: { contentCapture: 'off' } })).toEqual([{ field: 'contentCapture', before: 'full', after: 'off' }]);
    expect(changeRows({ before: { tier: null }, after: { tier: 'pro' } })).toEqual([{ field: 'tier', before: 'null', after: 'pro' }]);
    expect(changeRows({ request: { a: 1 } })).toEqual([]);
    expect(otherDetails({ before: {}, after: {}, purge: true })).toEqual({ purge: true });
    expect(otherDetails({ before: {} })).toBeNull();
  });

  it('sends only the filters given', () => {
    expect(auditQuery({ ...EMPTY_FILTERS, actor: ' ann@example.com ' }, 50)).toEqual({ limit: 50, from: '7d', actor: 'ann@example.com' });
    expect(auditQuery({ from: '', to: '', actor: '', action: 'budgets.' }, 50, 'CUR')).toEqual({ limit: 50, action: 'budgets.', before: 'CUR' });
  });
});
