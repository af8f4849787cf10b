import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { judgeAddress, OutboundGuard, OutboundRefusedError, type Lookup } from './ssrf.ts';

// The outbound check on its own (`check` only decides), then the agent that connects through it.

const resolvesTo = (table: Record<string, string[]>): Lookup => async (hostname) => {
  const list = table[hostname];
  if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const lookup = resolvesTo({
  'hooks.example.com': ['93.184.216.34'],
  'internal.example.com': ['127.0.0.1'],
  'mixed.example.com': ['93.184.216.34', '10.0.0.7'],
  'v6.example.com': ['2606:2800:220:1:248:1893:25c8:1946'],
  'metadata.example.com': ['169.254.169.254'],
  'nowhere.example.com': [],
  'mapped.example.com': ['::ffff:7f00:1'],
  'nat64.example.com': ['64:ff9b::a9fe:a9fe'],
  'sixtofour.example.com': ['2002:c0a8:0101::1'],
});

async function refusal(guard: OutboundGuard, url: string): Promise<string> {
  try {
    await guard.check(url);
  } catch (err) {
    expect(err).toBeInstanceOf(OutboundRefusedError);
    return (err as Error).message;
  }
  throw new Error(`${url} was allowed`);
}

describe('OutboundGuard', () => {
  const guard = new OutboundGuard([], lookup);

  it.each([
    ['http://10.0.0.1/hook', '10.0.0.1 is a private address'],
    ['http://172.16.5.4/hook', '172.16.5.4 is a private address'],
    ['http://192.168.1.1/hook', '192.168.1.1 is a private address'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['http://127.0.0.1:9093/', '127.0.0.1 is a loopback address'],
    ['http://0.0.0.0/', '0.0.0.0 is an unspecified address'],
    ['http://100.64.1.1/', '100.64.1.1 is a carrier-grade NAT address'],
    ['http://[::1]:8080/hook', '::1 is a loopback address'],
    ['http://[fd00::1]/hook', 'fd00::1 is a unique-local (private) address'],
    ['http://[fe80::1]/hook', 'fe80::1 is a link-local address'],
    ['http://internal.example.com/hook', '127.0.0.1 (internal.example.com) is a loopback address'],
    ['http://metadata.example.com/', '169.254.169.254 (metadata.example.com) is a link-local address'],
    // One private address among public ones is enough to refuse.
    ['https://mixed.example.com/', '10.0.0.7 (mixed.example.com) is a private address'],
  ])('refuses %s', async (url, what) => {
    const message = await refusal(guard, url);
    expect(message).toBe(`refused: ${what}; add it to alerts.notifications.allowedHosts to allow it`);
  });

  it('refuses localhost (resolved by the system resolver)', async () => {
    const message = await refusal(new OutboundGuard([]), 'http://localhost:9093/');
    expect(message).toMatch(/^refused: (127\.0\.0\.1|::1) \(localhost\) is a loopback address/);
  });

  it('refuses IPv4-mapped IPv6 addresses, naming the IPv4 address', async () => {
    // The URL parser rewrites [::ffff:127.0.0.1] as [::ffff:7f00:1].
    for (const url of ['http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/']) {
      const message = await refusal(guard, url);
      expect(message).toMatch(/^refused: ::ffff:7f00:1 .*127\.0\.0\.1.* is a loopback address/);
    }
    expect(await refusal(guard, 'http://[::ffff:10.0.0.1]/')).toMatch(/10\.0\.0\.1.* is a private address/);
  });

  it('refuses schemes other than http and https, and names that do not resolve', async () => {
    expect(await refusal(guard, 'ftp://hooks.example.com/file')).toBe('refused: ftp: URLs are not allowed; use http or https');
    expect(await refusal(guard, 'file:///etc/passwd')).toBe('refused: file: URLs are not allowed; use http or https');
    expect(await refusal(guard, 'not a url')).toBe("refused: 'not a url' is not a URL");
    expect(await refusal(guard, 'http://unknown.example.com/')).toBe('refused: cannot resolve unknown.example.com (ENOTFOUND)');
    expect(await refusal(guard, 'http://nowhere.example.com/')).toBe('refused: nowhere.example.com resolves to no address');
  });

  it('lets public addresses through', async () => {
    await expect(guard.check('https://93.184.216.34/hook')).resolves.toBeUndefined();
    await expect(guard.check('https://hooks.example.com/services/T000/B000/XXX')).resolves.toBeUndefined();
    await expect(guard.check('https://v6.example.com/')).resolves.toBeUndefined();
    await expect(guard.check('http://[2606:2800:220:1:248:1893:25c8:1946]/')).resolves.toBeUndefined();
  });

  it('allows private addresses listed by address, by range or by host name', async () => {
    const allowed = new OutboundGuard(['127.0.0.1', '10.0.0.0/8', 'internal.example.com', 'fd00::/8', 'metadata.EXAMPLE.com'], lookup);
    await expect(allowed.check('http://127.0.0.1:9093/')).resolves.toBeUndefined();
    await expect(allowed.check('http://[::ffff:127.0.0.1]:9093/')).resolves.toBeUndefined();
    await expect(allowed.check('http://10.0.0.1/hook')).resolves.toBeUndefined();
    await expect(allowed.check('http://10.255.0.9/hook')).resolves.toBeUndefined();
    await expect(allowed.check('http://mixed.example.com/')).resolves.toBeUndefined(); // 10.0.0.7 is in 10.0.0.0/8
    await expect(allowed.check('http://internal.example.com/hook')).resolves.toBeUndefined();
    await expect(allowed.check('http://[fd12::1]/')).resolves.toBeUndefined();
    await expect(allowed.check('http://metadata.example.com/')).resolves.toBeUndefined(); // names are case-insensitive
    // Only what is listed: the rest stays refused.
    expect(await refusal(allowed, 'http://127.0.0.2/')).toMatch(/127\.0\.0\.2 is a loopback address/);
    expect(await refusal(allowed, 'http://192.168.0.1/')).toMatch(/192\.168\.0\.1 is a private address/);
    expect(await refusal(allowed, 'http://169.254.169.254/')).toMatch(/169\.254\.169\.254 is a link-local address/);
    expect(await refusal(allowed, 'ftp://127.0.0.1/')).toMatch(/ftp: URLs are not allowed/);
  });

  it.each([
    // IPv6 forms that carry an IPv4 address are judged by that address.
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 (IPv4 127.0.0.1) is a loopback'],
    ['http://[::ffff:7f00:1]/', '::ffff:7f00:1 (IPv4 127.0.0.1) is a loopback'],
    ['http://[::ffff:a9fe:a9fe]/', '::ffff:a9fe:a9fe (IPv4 169.254.169.254) is a link-local'],
    ['http://[64:ff9b::7f00:1]/', '64:ff9b::7f00:1 (IPv4 127.0.0.1) is a loopback'],
    ['http://[64:ff9b::10.0.0.1]/', '64:ff9b::a00:1 (IPv4 10.0.0.1) is a private'],
    ['http://[2002:7f00:1::1]/', '2002:7f00:1::1 (IPv4 127.0.0.1) is a loopback'],
    ['http://[2002:c0a8:101::]/', '2002:c0a8:101:: (IPv4 192.168.1.1) is a private'],
    ['http://[2002:a9fe:a9fe:1:2:3:4:5]/', '2002:a9fe:a9fe:1:2:3:4:5 (IPv4 169.254.169.254) is a link-local'],
    // Deprecated or special IPv6 ranges.
    ['http://[::127.0.0.1]/', '::7f00:1 is an IPv4-compatible (deprecated)'],
    ['http://[::]/', ':: is an unspecified'],
    ['http://[::ffff:0:7f00:1]/', '::ffff:0:7f00:1 is an IPv4-translated'],
    ['http://[64:ff9b:1::1]/', '64:ff9b:1::1 is a local-use NAT64'],
    ['http://[2001::1]/', '2001::1 is a Teredo'],
    ['http://[fec0::1]/', 'fec0::1 is a site-local (deprecated)'],
    ['http://[fc00::1]/', 'fc00::1 is a unique-local (private)'],
    ['http://[fe80::1234]/', 'fe80::1234 is a link-local'],
    ['http://[ff02::1]/', 'ff02::1 is a multicast'],
    // IPv4 spellings the URL parser reads as 127.0.0.1, and the special IPv4 ranges.
    ['http://2130706433/', '127.0.0.1 is a loopback'],
    ['http://0x7f.1/', '127.0.0.1 is a loopback'],
    ['http://0177.0.0.1/', '127.0.0.1 is a loopback'],
    ['http://0.1.2.3/', '0.1.2.3 is an unspecified'],
    ['http://100.127.255.254/', '100.127.255.254 is a carrier-grade NAT'],
    ['http://169.254.0.1/', '169.254.0.1 is a link-local'],
    ['http://198.51.100.7/', '198.51.100.7 is a documentation'],
    // Names resolving to such forms.
    ['http://mapped.example.com/', '::ffff:7f00:1 (IPv4 127.0.0.1, mapped.example.com) is a loopback'],
    ['http://nat64.example.com/', '64:ff9b::a9fe:a9fe (IPv4 169.254.169.254, nat64.example.com) is a link-local'],
    ['http://sixtofour.example.com/', '2002:c0a8:0101::1 (IPv4 192.168.1.1, sixtofour.example.com) is a private'],
  ])('refuses %s', async (url, what) => {
    expect(await refusal(guard, url)).toBe(`refused: ${what} address; add it to alerts.notifications.allowedHosts to allow it`);
  });

  it('lets IPv6 forms of public IPv4 addresses through', async () => {
    for (const address of ['::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::808:808', '64:ff9b::8.8.8.8', '2002:808:808::1']) {
      expect(judgeAddress(address), address).toEqual({ denied: null, ipv4: '8.8.8.8' });
      await expect(guard.check(`http://[${address}]/`)).resolves.toBeUndefined();
    }
  });

  it('allows an embedded private address when its IPv4 form is listed', async () => {
    const allowed = new OutboundGuard(['10.0.0.0/8'], lookup);
    await expect(allowed.check('http://[64:ff9b::10.1.2.3]/')).resolves.toBeUndefined();
    await expect(allowed.check('http://[2002:a01:203::1]/')).resolves.toBeUndefined();
    expect(await refusal(allowed, 'http://[64:ff9b::7f00:1]/')).toMatch(/127\.0\.0\.1\) is a loopback/);
  });

  it('says what was refused without the address, for records others read', async () => {
    try {
      await guard.check('http://internal.example.com/hook');
      throw new Error('allowed');
    } catch (err) {
      expect((err as OutboundRefusedError).publicMessage).toBe("refused: the receiver's host resolves to a loopback address; allow it in alerts.notifications.allowedHosts");
    }
  });
});

describe('OutboundGuard.agent', () => {
  // A real server on 127.0.0.1 reached through names that only the test's lookup knows.
  async function server() {
    const hits: { host: string | undefined; url: string | undefined }[] = [];
    const s = createHttpServer((req, res) => {
      hits.push({ host: req.headers.host, url: req.url });
      res.end('ok');
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return { port: (s.address() as AddressInfo).port, hits, close: () => new Promise<void>((r) => s.close(() => r())) };
  }

  it('resolves a name once per connection and connects to the address it checked', async () => {
    const srv = await server();
    const asked: string[] = [];
    // Answers 127.0.0.1 (allowed) the first time and a refused address after: a rebinding name.
    const rebinding: Lookup = async (host) => {
      asked.push(host);
      return [{ address: asked.length === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
    };
    const agent = new OutboundGuard(['127.0.0.1'], rebinding).agent();
    try {
      const res = await request(`http://hooks.lookout.test:${srv.port}/x`, { dispatcher: agent });
      expect(await res.body.text()).toBe('ok');
      expect(asked).toEqual(['hooks.lookout.test']);
      expect(srv.hits).toEqual([{ host: `hooks.lookout.test:${srv.port}`, url: '/x' }]);
    } finally {
      await agent.close();
      await srv.close();
    }
  });

  it('refuses to connect when the name resolves to a refused address, even one among allowed ones', async () => {
    const srv = await server();
    const agent = new OutboundGuard(['127.0.0.1'], resolvesTo({ 'rebound.lookout.test': ['127.0.0.1', '169.254.169.254'], 'mapped.lookout.test': ['::ffff:7f00:2'] })).agent();
    try {
      for (const [host, message] of [
        ['rebound.lookout.test', 'refused: 169.254.169.254 (rebound.lookout.test) is a link-local address'],
        ['mapped.lookout.test', 'refused: ::ffff:7f00:2 (IPv4 127.0.0.2, mapped.lookout.test) is a loopback address'],
      ]) {
        const err = await request(`http://${host}:${srv.port}/`, { dispatcher: agent }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, host).toBeInstanceOf(OutboundRefusedError);
        expect((err as Error).message).toContain(message);
      }
      expect(srv.hits).toEqual([]);
    } finally {
      await agent.close();
      await srv.close();
    }
  });

  it('keeps the host name for TLS (SNI) when it connects to the checked address', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-ssrf-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=hooks.lookout.test', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    const names: (string | undefined)[] = [];
    const key = readFileSync(join(dir, 'key.pem'));
    const tls = createHttpsServer(
      {
        key,
        cert,
        SNICallback: (name, cb) => {
          names.push(name);
          cb(null, createSecureContext({ key, cert }));
        },
      },
      (_req, res) => res.end('hello'),
    );
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const guard = new OutboundGuard(['127.0.0.1'], resolvesTo({ 'hooks.lookout.test': ['127.0.0.1'] }));
    try {
      // The certificate is for the name and verifies, and the name went out as SNI: the checked
      // address replaced the name for the socket only.
      const agent = guard.agent({ ca: cert });
      const res = await request(`https://hooks.lookout.test:${(tls.address() as AddressInfo).port}/`, { dispatcher: agent });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toBe('hello');
      await agent.close();
      expect(names).toEqual(['hooks.lookout.test']);
    } finally {
      tls.closeAllConnections();
      await new Promise<void>((r) => tls.close(() => r()));
    }
  });
});
