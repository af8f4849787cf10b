import { describe, expect, it } from 'vitest';
import { LookoutError } from '../../errors.ts';
import { DEFAULT_MAX_SCAN_CHARS, hmacHashToken, Redactor } from './redactor.ts';
import { defaultRedactionSettings, type PiiType, type RedactionMode, type RedactionSettings } from './types.ts';

function settings(modes: Partial<Record<PiiType, RedactionMode>> = {}): RedactionSettings {
  const s = defaultRedactionSettings();
  return { ...s, modes: { ...s.modes, ...modes } };
}

const TEXT = 'Mail jane@example.com, card 4111 1111 1111 1111.';

describe('Redactor modes', () => {
  it('masks every built-in type by default, keeping the sentence readable', () => {
    const r = new Redactor(defaultRedactionSettings()).redact(TEXT);
    expect(r).toEqual({
      text: 'Mail [REDACTED:email], card [REDACTED:credit_card].',
      findings: [
        { type: 'email', detector: 'email', start: 5, end: 21 },
        { type: 'credit_card', detector: 'credit_card', start: 28, end: 47 },
      ],
      failed: false,
    });
  });

  it('hashes with the caller\'s token function, on a canonical spelling of the value', () => {
    const calls: string[] = [];
    const r = new Redactor(settings({ credit_card: 'hash', email: 'hash' }), {
      hashToken: (type, value) => {
        calls.push(`${type}:${value}`);
        return 'abc123abc123';
      },
    });
    expect(r.redact(TEXT).text).toBe('Mail [email:abc123abc123], card [credit_card:abc123abc123].');
    expect(calls).toEqual(['email:jane@example.com', 'credit_card:4111111111111111']);
  });

  it('gives the same token for the same value however it is written, and another for another value', () => {
    const r = new Redactor(settings({ credit_card: 'hash', email: 'hash' }));
    const a = r.redact('card 4111 1111 1111 1111').text;
    const b = r.redact('card 4111-1111-1111-1111').text;
    const c = r.redact('card 5555 5555 5555 4444').text;
    expect(a).toMatch(/^card \[credit_card:[0-9a-f]{12}\]$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(r.redact('Jane@EXAMPLE.com').text).toBe(r.redact('Jane@example.com').text);
  });

  it('gives different tokens under different keys (projects)', () => {
    const one = new Redactor(settings({ email: 'hash' }), { hashToken: hmacHashToken(Buffer.from('project-one-key')) });
    const two = new Redactor(settings({ email: 'hash' }), { hashToken: hmacHashToken(Buffer.from('project-two-key')) });
    const again = new Redactor(settings({ email: 'hash' }), { hashToken: hmacHashToken(Buffer.from('project-one-key')) });
    expect(one.redact('a@example.com').text).not.toBe(two.redact('a@example.com').text);
    expect(one.redact('a@example.com').text).toBe(again.redact('a@example.com').text);
  });

  it('drops the whole field when any finding\'s type is in drop mode, still reporting what was found', () => {
    const r = new Redactor(settings({ credit_card: 'drop' })).redact(TEXT);
    expect(r.text).toBeNull();
    expect(r.failed).toBe(false);
    expect(r.findings.map((f) => f.type)).toEqual(['email', 'credit_card']);
  });

  it('keeps values in keep mode but still counts them', () => {
    const r = new Redactor(settings({ email: 'keep' })).redact(TEXT);
    expect(r.text).toBe('Mail jane@example.com, card [REDACTED:credit_card].');
    expect(r.findings.map((f) => f.type)).toEqual(['email', 'credit_card']);
  });

  it('returns a clean text as it is, with no findings', () => {
    const text = 'Summarise this paragraph about 3 cats and 12 dogs (v2.4.1).';
    expect(new Redactor(defaultRedactionSettings()).redact(text)).toEqual({ text, findings: [], failed: false });
  });

  it('never puts the value into a finding', () => {
    const [f] = new Redactor(settings({ email: 'hash' })).scan('x jane@example.com');
    expect(Object.keys(f).sort()).toEqual(['detector', 'end', 'start', 'type']);
  });
});

describe('Redactor overlaps', () => {
  it('reports the findings side by side, sorted by start', () => {
    const r = new Redactor(defaultRedactionSettings());
    const text = 'postgres://app:Zx81kq9@10.1.2.3:5432/db — mail ops@example.com';
    expect(r.scan(text).map((f) => `${f.detector} ${text.slice(f.start, f.end)}`)).toEqual([
      'secret:connection_string Zx81kq9',
      'ip_address 10.1.2.3',
      'email ops@example.com',
    ]);
  });

  it('keeps the more specific of two findings over the same text', () => {
    const r = new Redactor(defaultRedactionSettings());
    // An address whose local part is a phone number: the email wins over the phone.
    const sms = 'text +14155552671@sms.example.com';
    expect(r.scan(sms).map((f) => `${f.detector} ${sms.slice(f.start, f.end)}`)).toEqual(['email +14155552671@sms.example.com']);
    // A password that is also an address: the secret wins over the email.
    const pw = 'password: x9@example.com';
    expect(r.scan(pw).map((f) => `${f.detector} ${pw.slice(f.start, f.end)}`)).toEqual(['secret:password x9@example.com']);
  });

  it('lets a custom pattern win over a built-in type it overlaps', () => {
    const r = new Redactor({ ...defaultRedactionSettings(), custom: [{ name: 'acct', pattern: 'ACCT-[0-9 ]{19}' }] });
    expect(r.scan('ACCT-4111 1111 1111 1111').map((f) => f.detector)).toEqual(['custom:acct']);
  });
});

describe('Redactor fails closed', () => {
  it('does not scan or store a text longer than maxScanChars', () => {
    const r = new Redactor(defaultRedactionSettings(), { maxScanChars: 100 });
    expect(r.redact('x'.repeat(101))).toEqual({ text: null, findings: [], failed: true });
    expect(r.redact('x'.repeat(100))).toEqual({ text: 'x'.repeat(100), findings: [], failed: false });
    expect(() => r.scan('x'.repeat(101))).toThrow(LookoutError);
  });

  it('defaults to 1 Mi UTF-16 code units', () => {
    expect(new Redactor(defaultRedactionSettings()).maxScanChars).toBe(DEFAULT_MAX_SCAN_CHARS);
    expect(DEFAULT_MAX_SCAN_CHARS).toBe(1024 * 1024);
  });
});
