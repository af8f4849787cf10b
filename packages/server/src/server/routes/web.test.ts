import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';

const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

function fakeBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-web-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script></body></html>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("lookout")');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

let t: TestApp | undefined;
const previous = process.env.LOOKOUT_WEB_DIST;
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (previous === undefined) delete process.env.LOOKOUT_WEB_DIST;
  else process.env.LOOKOUT_WEB_DIST = previous;
});

async function appServing(dir: string, flags: Record<string, unknown> = {}): Promise<TestApp> {
  process.env.LOOKOUT_WEB_DIST = dir;
  t = await makeTestApp(flags);
  return t;
}

describe('web UI at / (G1)', () => {
  it('serves index.html, never cached, and hashed assets cached for good', async () => {
    const { app } = await appServing(fakeBuild());
    const index = await app.inject({ url: '/', headers: HTML });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toContain('text/html');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body).toContain('<div id="root">');

    const asset = await app.inject('/assets/index-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    expect(asset.headers['cache-control']).toContain('max-age=31536000');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.body).toBe('console.log("lookout")');

    const other = await app.inject('/favicon.svg');
    expect(other.statusCode).toBe(200);
    expect(other.headers['cache-control']).toBe('no-cache');
  });

  it('answers a browser on any UI path with index.html (SPA fallback), a missing asset with 404', async () => {
    const { app } = await appServing(fakeBuild());
    for (const url of ['/overview', '/traces/0123456789abcdef0123456789abcdef?range=24h', '/cost', '/docs/api']) {
      const res = await app.inject({ url, headers: HTML });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('<div id="root">');
    }
    const missing = await app.inject({ url: '/assets/gone-123.js', headers: HTML });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('not_found');
    // Not a browser: the JSON 404.
    expect((await app.inject({ url: '/overview', headers: { accept: 'application/json' } })).statusCode).toBe(404);
  });

  it('never serves a file outside the build directory, however the path is spelled', async () => {
    // The build sits beside a file it must not give away, one directory up.
    const outer = mkdtempSync(join(tmpdir(), 'lookout-web-outer-'));
    const secret = 'outside-the-web-root-5c1e9b';
    writeFileSync(join(outer, 'secret.txt'), secret);
    const dist = fakeBuild();
    const inner = join(outer, 'dist');
    renameSync(dist, inner);
    const { app } = await appServing(inner);
    expect((await app.inject('/favicon.svg')).statusCode).toBe(200);
    // With the status a browser gets: the UI's page, or under assets/ the 404 of a missing asset
    // (dot segments spelled %2e%2e are resolved by URL parsing before the route sees them).
    const spellings: [string, number][] = [
      ['/..%2fsecret.txt', 200],
      ['/%2e%2e%2fsecret.txt', 200],
      ['/%2e%2e/secret.txt', 200],
      ['/.%2e/secret.txt', 200],
      ['/assets/..%2f..%2fsecret.txt', 404],
      ['/assets/%2e%2e/%2e%2e/secret.txt', 200],
      [`/${encodeURIComponent(join(outer, 'secret.txt'))}`, 200],
    ];
    for (const [spelled, browserStatus] of spellings) {
      const page = await app.inject({ url: spelled, headers: HTML });
      expect(page.statusCode, spelled).toBe(browserStatus);
      if (browserStatus === 200) expect(page.body, spelled).toContain('<div id="root">');
      else expect(page.json().error.code, spelled).toBe('not_found');
      expect(page.body, spelled).not.toContain(secret);
      const other = await app.inject({ url: spelled });
      expect(other.statusCode, spelled).toBe(404);
      expect(other.json().error.code, spelled).toBe('not_found');
      expect(other.body, spelled).not.toContain(secret);
    }
  });

  it('does not swallow API, OTLP, gateway or health paths', async () => {
    const { app } = await appServing(fakeBuild());
    for (const url of ['/api/v1/nope', '/api', '/v1/traces', '/v1/nope', '/metrics/extra', '/healthz/x']) {
      const res = await app.inject({ url, headers: HTML });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/json');
      expect(res.json().error.code, url).toBe('not_found');
    }
    expect((await app.inject({ url: '/api/v1/project', headers: HTML })).json().scope).toBe('admin');
    expect((await app.inject({ url: '/healthz', headers: HTML })).json()).toEqual({ status: 'ok' });
  });

  it('needs no key for the UI where keys are required, but the API still does', async () => {
    const { app } = await appServing(fakeBuild(), { requireApiKeys: 'always' });
    expect((await app.inject({ url: '/', headers: HTML })).statusCode).toBe(200);
    expect((await app.inject({ url: '/overview', headers: HTML })).statusCode).toBe(200);
    expect((await app.inject('/assets/index-abc123.js')).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/project', headers: HTML })).statusCode).toBe(401);
    expect((await app.inject({ url: '/api/v1/nope', headers: HTML })).statusCode).toBe(401);
  });

  it('explains how to build the UI when there is no build, never a 500', async () => {
    const { app } = await appServing(join(tmpdir(), 'lookout-no-such-web-dist'));
    for (const url of ['/', '/overview']) {
      const res = await app.inject({ url, headers: HTML });
      expect(res.statusCode, url).toBe(503);
      expect(res.headers['content-type'], url).toContain('text/html');
      expect(res.body, url).toContain('npm run build -w @lookout/web');
    }
    expect((await app.inject('/api/v1/project')).statusCode).toBe(200);
  });
});

describe('security headers', () => {
  it('the UI and the API come with a CSP that allows only this origin, no framing, no sniffing, no referrer', async () => {
    const { app } = await appServing(fakeBuild());
    for (const res of [await app.inject({ url: '/', headers: HTML }), await app.inject('/assets/index-abc123.js'), await app.inject('/api/v1/project'), await app.inject('/nope')]) {
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
    }
  });

  it('the page shown without a build has its one inline style allowed by hash', async () => {
    const { app } = await appServing(mkdtempSync(join(tmpdir(), 'lookout-web-empty-')));
    const res = await app.inject({ url: '/', headers: HTML });
    expect(res.statusCode).toBe(503);
    const style = /<style>([^<]*)<\/style>/.exec(res.body)![1]!;
    expect(String(res.headers['content-security-policy'])).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  });
});
