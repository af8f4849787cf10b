import { describe, expect, it } from 'vitest';
import { Redactor } from './redactor.ts';
import { defaultRedactionSettings } from './types.ts';

// Inputs built to make a backtracking regex or a quadratic scan blow up. Every detector is linear,
// so each returns; the assertions are on what comes back, timing is left to bench/redact.ts.
const N = 100_000;
const fill = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);

const INPUTS: Record<string, string> = {
  digits: fill('1'),
  digitsSpaced: fill('1 '),
  digitsDashed: fill('12-'),
  phoneish: fill('+(1'),
  dotted: fill('1.2.3.4.'),
  ats: fill('a@'),
  localRun: `${fill('a')}@`,
  domainRun: `@${fill('a.')}`,
  skPrefix: fill('sk-'),
  jwtHeads: fill('eyJ.'),
  pemBegins: fill('-----BEGIN PRIVATE KEY-----'),
  pemNoEnd: `-----BEGIN PRIVATE KEY-----${fill('A')}`,
  schemes: fill('a://'),
  userinfo: `a://${fill('u:')}`,
  bearers: fill('Bearer '),
  colons: fill('a:'),
  hexColons: fill('ab:cd::'),
  ibanHeads: fill('DE89 '),
  cfHeads: fill('AAAAAA85T10A562'),
  passwords: fill('password='),
  mixed: fill('x1@-.:/ +('),
  // Values of several types, some over the same text (a phone number that is an email's local part).
  planted: fill('4111 1111 1111 1111 +14155552671@sms.example.com 10.0.0.1 password=Zx81kq9 '),
};

describe('adversarial 100 KB inputs', () => {
  const r = new Redactor({ ...defaultRedactionSettings(), custom: [{ name: 'evil', pattern: '(x+x+)+y' }] });
  for (const [name, text] of Object.entries(INPUTS)) {
    it(`returns on ${name}`, () => {
      const out = r.redact(text);
      expect(out.failed).toBe(false);
      // Findings are sorted and disjoint whatever the input.
      for (let i = 1; i < out.findings.length; i++) expect(out.findings[i].start).toBeGreaterThanOrEqual(out.findings[i - 1].end);
    });
  }

  it('finds the value planted at the end of a pathological input', () => {
    const out = r.scan(`${fill('1 ')} mail jane@example.com`);
    expect(out.map((f) => f.type)).toContain('email');
  });
});
