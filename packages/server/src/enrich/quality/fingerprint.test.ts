import { describe, expect, it } from 'vitest';
import { QUALITY_METADATA } from '../../domain/quality.ts';
import { makeSpan } from '../../testing/fixtures.ts';
import { ErrorFingerprintProcessor, errorFingerprint, MAX_NORMALISED_CHARS, normaliseErrorMessage } from './fingerprint.ts';

describe('normaliseErrorMessage', () => {
  it('replaces what varies between occurrences with placeholders', () => {
    expect(normaliseErrorMessage('Request timed out after 30012 ms (attempt 3 of 5)')).toBe('Request timed out after <n> ms (attempt <n> of <n>)');
    expect(normaliseErrorMessage('trace 4bf92f3577b34da6a3ce929d0e0e4736 failed at 0x7ffe12')).toBe('trace <hex> failed at <hex>');
    expect(normaliseErrorMessage('job 123e4567-e89b-12d3-a456-426614174000 lost')).toBe('job <uuid> lost');
    expect(normaliseErrorMessage("Invalid value 'banana' for field \"color\"")).toBe('Invalid value <str> for field <str>');
    expect(normaliseErrorMessage('GET https://api.example.com/v1/users/42?x=1 returned 503')).toBe('GET <url> returned <n>');
    expect(normaliseErrorMessage('no mailbox for jane.doe@example.org')).toBe('no mailbox for <email>');
    expect(normaliseErrorMessage('request req_8f3a9c2 rejected')).toBe('request req_<id> rejected');
    // Redaction tokens, masked or hashed per value, are the same placeholder.
    expect(normaliseErrorMessage('user [REDACTED:email] unknown')).toBe('user <email> unknown');
    expect(normaliseErrorMessage('user [email:3f9c0a1b2c3d] unknown')).toBe('user <email> unknown');
    expect(normaliseErrorMessage('  many\n\tspaces  ')).toBe('many spaces');
  });

  it('keeps words that only look like hex, and bounds its output', () => {
    expect(normaliseErrorMessage('decoded a facade')).toBe('decoded a facade');
    expect(normaliseErrorMessage('x'.repeat(10_000)).length).toBe(MAX_NORMALISED_CHARS);
  });

  it('stays fast on hostile input', () => {
    const hostile = `${'a1_'.repeat(5_000)}"${'\''.repeat(5_000)}${'@a.'.repeat(5_000)}`;
    const t0 = performance.now();
    normaliseErrorMessage(hostile);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

describe('errorFingerprint', () => {
  it('is the class and a short hash, equal for the same normalised message', () => {
    const a = errorFingerprint('timeout', 'Request timed out after 30012 ms on req_8f3a9c2');
    const b = errorFingerprint('timeout', 'Request timed out after 29877 ms on req_1c2d3e4');
    expect(a).toMatch(/^timeout:[0-9a-f]{12}$/);
    expect(b).toBe(a);
    expect(errorFingerprint('server', 'Request timed out after 30012 ms on req_8f3a9c2')).not.toBe(a.replace('timeout', 'server'));
    expect(errorFingerprint('timeout', 'Connection reset')).not.toBe(a);
    expect(errorFingerprint(null, null)).toMatch(/^other:[0-9a-f]{12}$/);
  });
});

describe('ErrorFingerprintProcessor', () => {
  it('marks failed spans and removes a client value from the others', () => {
    const failed = makeSpan({ status: 'error', errorClass: 'rate_limit', errorMessage: 'Rate limit reached: 3 RPM', metadata: { [QUALITY_METADATA.errorFingerprint]: 'forged' } });
    const ok = makeSpan({ metadata: { [QUALITY_METADATA.errorFingerprint]: 'forged', kept: 'yes' } });
    new ErrorFingerprintProcessor().process({ spans: [failed, ok], scores: [], logs: [] });
    expect(failed.metadata[QUALITY_METADATA.errorFingerprint]).toBe(errorFingerprint('rate_limit', 'Rate limit reached: 9 RPM'));
    expect(ok.metadata).toEqual({ kept: 'yes' });
  });
});
