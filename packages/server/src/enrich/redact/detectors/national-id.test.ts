import { describe, expect, it } from 'vitest';
import { elfproefValid, mod11_10Valid, verhoeffValid } from './checksums.ts';
import { found } from './found.testing.ts';

describe('ssn detector', () => {
  it.each([
    ['SSN 123-45-6789 on file', 'ssn 123-45-6789'],
    ['my social 536 22 1234.', 'ssn 536 22 1234'],
    ['SSN: 536221234', 'ssn 536221234'],
  ])('finds %j', (text, finding) => {
    expect(found(text)).toEqual([finding]);
  });

  it.each([
    'never issued: 000-12-3456, 666-12-3456, 912-34-5678, 123-00-4567, 123-45-0000',
    'order 536221234 shipped',
    'part no. 123-45-67890X',
  ])('finds nothing in %j', (text) => {
    expect(found(text).filter((f) => f.startsWith('ssn'))).toEqual([]);
  });
});

describe('national_id detectors', () => {
  it.each([
    ['NINO AB 12 34 56 C', 'national_id:uk_nino AB 12 34 56 C'],
    ['NI number JG103759A.', 'national_id:uk_nino JG103759A'],
    ['NIR 1 84 12 76 451 089 46', 'national_id:fr_nir 1 84 12 76 451 089 46'],
    ['sécu 269029934173285', 'national_id:fr_nir 269029934173285'],
    ['mi DNI es 12345678Z y', 'national_id:es_dni 12345678Z'],
    ['NIE X1234567L', 'national_id:es_dni X1234567L'],
    ['CF RSSMRA85T10A562S', 'national_id:it_cf RSSMRA85T10A562S'],
    ['Aadhaar 2341 2341 2346', 'national_id:in_aadhaar 2341 2341 2346'],
    ['आधार नंबर 499118665246 है', 'national_id:in_aadhaar 499118665246'],
    ['BSN 111222333', 'national_id:nl_bsn 111222333'],
    ['Steuer-ID: 86095742719', 'national_id:de_steuer_id 86095742719'],
    ['CPF 529.982.247-25', 'national_id:br_cpf 529.982.247-25'],
    ['meu CPF é 52998224725', 'national_id:br_cpf 52998224725'],
    ['my SIN for the tax form: 130 692 544.', 'national_id:ca_sin 130 692 544'],
    ['मेरा PAN ABCPE1234F है', 'national_id:in_pan ABCPE1234F'],
    ['マイナンバーは1234 5678 9018です', 'national_id:jp_my_number 1234 5678 9018'],
  ])('finds %j', (text, finding) => {
    expect(found(text)).toEqual([finding]);
  });

  it.each([
    'NINO-looking GB 12 34 56 C, BG123456A and QQ123456A (Q never starts one)',
    'NIR with a wrong key 1 84 12 76 451 089 47',
    'DNI 12345678A has the wrong letter',
    'CF RSSMRA85T10A562T has the wrong check letter',
    'loyalty 6273 8768 3490 2551',
    'Aadhaar 2341 2341 2345',
    'order 111222333 and invoice 86095742719',
    'CPF 529.982.247-26',
    'number 130 692 544 without a label',
  ])('finds no national id in %j', (text) => {
    expect(found(text).filter((f) => f.startsWith('national_id'))).toEqual([]);
  });

  it('computes the check digits of their issuers', () => {
    expect(verhoeffValid('236')).toBe(true);
    expect(verhoeffValid('237')).toBe(false);
    expect(elfproefValid('123456782')).toBe(true);
    expect(elfproefValid('123456789')).toBe(false);
    expect(mod11_10Valid('65929970489')).toBe(true);
    expect(mod11_10Valid('65929970488')).toBe(false);
  });
});
