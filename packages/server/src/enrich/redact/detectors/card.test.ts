import { describe, expect, it } from 'vitest';
import { isCardNumber } from './card.ts';
import { luhnValid } from './checksums.ts';
import { found } from './found.testing.ts';

describe('credit_card detector', () => {
  it.each([
    ['Visa 4111 1111 1111 1111 exp 12/27', '4111 1111 1111 1111'],
    ['card: 4111-1111-1111-1111.', '4111-1111-1111-1111'],
    ['Mastercard 5555555555554444', '5555555555554444'],
    ['Mastercard 2-series 2223 0031 2200 3222', '2223 0031 2200 3222'],
    ['Amex 3782 822463 10005', '3782 822463 10005'],
    ['Discover 6011 1111 1111 1117', '6011 1111 1111 1117'],
    ['JCB 3530 1113 3330 0000', '3530 1113 3330 0000'],
    ['Diners 3056 9309 0259 04', '3056 9309 0259 04'],
    ['UnionPay 6200 0000 0000 0005', '6200 0000 0000 0005'],
    ['クレジットカード番号：4111111111111111、有効期限', '4111111111111111'],
    ['copied from a PDF: 4111\u00a01111\u00a01111\u00a01111 exp', '4111\u00a01111\u00a01111\u00a01111'],
    ['카드 4111-1111-1111-1111로 결제했어요', '4111-1111-1111-1111'],
    ['fullwidth ４１１１ １１１１ １１１１ １１１１.', '４１１１ １１１１ １１１１ １１１１'],
  ])('finds the card in %j', (text, value) => {
    expect(found(text)).toEqual([`credit_card ${value}`]);
  });

  it('finds two cards written one after the other', () => {
    expect(found('4111 1111 1111 1111 5555 5555 5555 4444')).toEqual(['credit_card 4111 1111 1111 1111', 'credit_card 5555 5555 5555 4444']);
  });

  it.each([
    'The card number 4111 1111 1111 1112 was rejected (checksum)',
    'Votre commande n° 1234567812345678 a été annulée',
    'order reference 9111 1111 1111 1111',
    'const MAX_SAFE = 9007199254740991;',
    'trace 4111111111111111a and 04111111111111111',
    'version 4111.1111.1111.1111',
  ])('finds nothing in %j', (text) => {
    expect(found(text).filter((f) => f.startsWith('credit_card'))).toEqual([]);
  });

  it('checks the Luhn digit and the network prefix and length', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(isCardNumber('378282246310005')).toBe(true);
    expect(isCardNumber('3782822463100050')).toBe(false); // Amex has 15 digits
    expect(isCardNumber('9999999999999995')).toBe(false); // no network starts with 9
  });
});

describe('iban detector', () => {
  it.each([
    ['IBAN DE89 3704 0044 0532 0130 00 please', 'DE89 3704 0044 0532 0130 00'],
    ['pay to GB82WEST12345698765432.', 'GB82WEST12345698765432'],
    ['konto PL61 1090 1014 0000 0712 1981 2874.', 'PL61 1090 1014 0000 0712 1981 2874'],
    ['lower case fr14 2004 1010 0505 0001 3m02 606', 'fr14 2004 1010 0505 0001 3m02 606'],
    ['Cuenta: ES91-2100-0418-4502-0005-1332 (titular)', 'ES91-2100-0418-4502-0005-1332'],
  ])('finds the IBAN in %j', (text, value) => {
    expect(found(text)).toEqual([`iban ${value}`]);
  });

  it.each([
    'Die IBAN DE89 3704 0044 0532 0130 01 ist ungültig',
    'expect(isValidIBAN("GB82WEST12345698765431")).toBe(false)',
    'codec H264 and sha256 and AB12 blocks',
    'XX89370400440532013000 has no such country',
  ])('finds nothing in %j', (text) => {
    expect(found(text).filter((f) => f.startsWith('iban'))).toEqual([]);
  });
});
