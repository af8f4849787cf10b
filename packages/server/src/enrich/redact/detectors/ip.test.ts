import { describe, expect, it } from 'vitest';
import { found } from './found.testing.ts';

describe('ip_address detector', () => {
  it.each([
    ['client 203.0.113.42 connected', '203.0.113.42'],
    ['server 192.168.160.135:8000 max_fails=3', '192.168.160.135'],
    ['listens on 0.0.0.0:8080, health 127.0.0.1', '0.0.0.0', '127.0.0.1'],
    ['v6 2001:db8::8a2e:370:7334 here', '2001:db8::8a2e:370:7334'],
    ['[fe80::d4:e659:c9f:2]:8000', 'fe80::d4:e659:c9f:2'],
    ['loopback [::1]:8080', '::1'],
    ['mapped ::ffff:192.0.2.128.', '::ffff:192.0.2.128'],
  ])('finds the address in %j', (text, ...values) => {
    expect(found(text)).toEqual(values.map((v) => `ip_address ${v}`));
  });

  it.each([
    'Invalid address "256.1.2.3": octet out of range',
    'version 1.2.3.4 and v10.0.0.1 and release 2.0.0.1',
    'semver 1.2.3, firmware 300.1.2.3, OID 1.3.6.1.4.1.2021.2.1.5',
    'Chrome/120.0.6099.109 Safari/537.36',
    'eth0: link/ether 00:1a:2b:3c:4d:5e brd ff:ff:ff:ff:ff:ff',
    'use std::collections::HashMap; HashMap::new()',
    'at 10:30:45 and lap 1:23.456',
    'dates 10.03.2024 and 2024.03.10',
  ])('finds nothing in %j', (text) => {
    expect(found(text).filter((f) => f.startsWith('ip_address'))).toEqual([]);
  });
});
