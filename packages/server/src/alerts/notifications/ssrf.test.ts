import { describe, expect, it } from 'vitest';
import { OutboundGuard, OutboundRefusedError, type Lookup } from './ssrf.ts';

// The outbound check on its own. Nothing here connects anywhere: `check` only decides.

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
});
