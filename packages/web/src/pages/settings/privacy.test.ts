import { describe, expect, it } from 'vitest';
import { draftBody, draftOf, patternRowOf, sameDraft } from './privacy.ts';

const settings = {
  modes: { email: 'hash', phone: 'mask', credit_card: 'drop', ssn: 'mask', national_id: 'mask', iban: 'mask', ip_address: 'keep', secret: 'mask', custom: 'mask' },
  custom: [{ name: 'order_ref', pattern: 'ORD-[0-9]{8}' }],
  gatewayInjection: 'block',
} as const;

describe('draftOf and draftBody', () => {
  it('round-trips the settings the server gives', () => {
    const draft = draftOf({ ...settings, custom: [...settings.custom] });
    expect(draftBody(draft)).toEqual({ ...settings, custom: [...settings.custom] });
  });

  it('gives a type the server does not name the default mode, mask', () => {
    const draft = draftOf({ modes: { email: 'keep' }, custom: [], gatewayInjection: 'detect' });
    expect(draft.modes.email).toBe('keep');
    expect(draft.modes.secret).toBe('mask');
    expect(Object.keys(draft.modes)).toHaveLength(9);
  });

  it('leaves out blank pattern rows and sends half-filled ones for the server to name, names trimmed', () => {
    const draft = draftOf({ ...settings, custom: [] });
    draft.custom = [
      { name: '', pattern: '' },
      { name: ' ticket ', pattern: 'T-[0-9]+ ' },
      { name: 'no_pattern', pattern: '' },
    ];
    expect(draftBody(draft).custom).toEqual([
      { name: 'ticket', pattern: 'T-[0-9]+ ' },
      { name: 'no_pattern', pattern: '' },
    ]);
  });

  it('compares drafts by what would be sent', () => {
    const a = draftOf({ ...settings, custom: [...settings.custom] });
    const b = { ...a, custom: [...a.custom, { name: '', pattern: '' }] };
    expect(sameDraft(a, b)).toBe(true);
    expect(sameDraft(a, { ...a, modes: { ...a.modes, phone: 'hash' } })).toBe(false);
  });
});

describe('patternRowOf', () => {
  const rows = [
    { name: 'a', pattern: 'x' },
    { name: '', pattern: '' },
    { name: 'bad', pattern: '(' },
    { name: 'a', pattern: 'y' },
  ];

  it('finds the row of an indexed message, counting only the rows sent', () => {
    expect(patternRowOf("custom[1]: the pattern 'bad' is not a valid RE2 expression: missing )", rows)).toBe(2);
    expect(patternRowOf('settings.custom[2].name: must be 1-40 lowercase letters, digits or underscores', rows)).toBe(3);
    expect(patternRowOf('custom[9]: the pattern', rows)).toBeNull();
  });

  it('finds the later row of a name used twice, and no row for other messages', () => {
    expect(patternRowOf("custom: the pattern name 'a' is used twice", rows)).toBe(3);
    expect(patternRowOf("modes.email: must be one of mask, hash, drop, keep", rows)).toBeNull();
    expect(patternRowOf('This key is read-only: needs scope admin', rows)).toBeNull();
  });
});
