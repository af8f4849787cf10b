import { describe, expect, it } from 'vitest';
import { found } from './found.testing.ts';

describe('email detector', () => {
  it.each([
    ['Write to jane.doe@example.com today.', 'jane.doe@example.com'],
    ['mail: ming+billing@shili.com.cn', 'ming+billing@shili.com.cn'],
    ['<a href="mailto:Olivia_N@corp.example.org">', 'Olivia_N@corp.example.org'],
    ['Contact josé.müller@exämple.de for details', 'josé.müller@exämple.de'],
    ['punycode: info@xn--bcher-kva.example', 'info@xn--bcher-kva.example'],
    ['用户@例子.广告 is a valid address', '用户@例子.广告'],
    ['邮箱是wei.liu@example.cn。订单号', 'wei.liu@example.cn'],
    ['メールはinfo@example.co.jpでよろしいでしょうか', 'info@example.co.jp'],
    ['End of sentence: a.b@c-d.io.', 'a.b@c-d.io'],
  ])('finds the address in %j', (text, value) => {
    expect(found(text)).toEqual([`email ${value}`]);
  });

  it.each([
    'npm i @types/node@24.1.0 lodash@4.17.21',
    'cp assets/icon@2x.png assets/logo@3x.webp dist/',
    '@Component({ selector: "app-root" }) and @media (max-width: 600px)',
    '@channel heads up: @oncall-infra rotates the certs',
    'docker pull nginx@sha256:9f2c4b1e',
    'git clone git@github.com:acme/api.git',
    'user@localhost is not routable',
    'trailing @ and .@. and a@.b and a..b@example.com',
  ])('finds nothing in %j', (text) => {
    expect(found(text).filter((f) => f.startsWith('email'))).toEqual([]);
  });

  it('leaves the userinfo of a URL to the password detector', () => {
    expect(found('redis://:hunter2x@cache.example.com:6379')).toEqual(['secret:connection_string hunter2x']);
  });
});
