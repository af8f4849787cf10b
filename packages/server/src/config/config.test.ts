import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopback, keysRequired, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has the embedded defaults', () => {
    const c = loadConfig({ env: {} });
    expect(c).toMatchObject({ host: '127.0.0.1', port: 4318, requireApiKeys: 'auto' });
    expect(c.dataDir).toMatch(/lookout-data$/);
  });

  it('takes the file, then the environment, then flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-config-'));
    const file = join(dir, 'lookout.yaml');
    writeFileSync(file, 'port: 5000\nhost: 0.0.0.0\ningest:\n  maxBatchItems: 7\n');
    expect(loadConfig({ file, env: {} })).toMatchObject({ port: 5000, host: '0.0.0.0', ingest: { maxBatchItems: 7 } });
    expect(loadConfig({ file, env: { LOOKOUT_PORT: '6000' } }).port).toBe(6000);
    expect(loadConfig({ file, env: { LOOKOUT_PORT: '6000' }, flags: { port: '7000' } }).port).toBe(7000);
  });

  it('names the bad setting and where it came from', () => {
    expect(() => loadConfig({ env: { LOOKOUT_PORT: '99999' } })).toThrow(/port: must be at most 65535 \(from environment variable LOOKOUT_PORT\)/);
    expect(() => loadConfig({ env: { LOOKOUT_PORT: 'abc' } })).toThrow(/port: .*LOOKOUT_PORT/);
    expect(() => loadConfig({ env: { LOOKOUT_LOG_LEVEL: 'loud' } })).toThrow(/logLevel/);
    const dir = mkdtempSync(join(tmpdir(), 'lookout-config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'prot: 1\n');
    expect(() => loadConfig({ file, env: {} })).toThrow(/prot.*config file/);
    expect(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} })).toThrow(/cannot read config file .*ENOENT/);
  });

  it('refuses a __Host- or __Secure- session cookie name where the cookie cannot be Secure over https', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-config-'));
    const file = join(dir, 'auth.yaml');
    writeFileSync(file, 'auth:\n  sessions:\n    cookieName: __Host-lookout\n');
    expect(() => loadConfig({ file, env: { LOOKOUT_PUBLIC_URL: 'http://lookout.example.com' } })).toThrow(
      /auth\.sessions\.cookieName: a name starting with __Host- is kept by browsers only as a Secure cookie over https, but publicUrl http:\/\/lookout\.example\.com is not https/,
    );
    expect(() => loadConfig({ file, env: { LOOKOUT_PUBLIC_URL: 'https://lookout.example.com', LOOKOUT_SESSION_SECURE: 'false' } })).toThrow(/auth\.sessions\.cookieName: .*sessions\.secure is false/);
    expect(loadConfig({ file, env: { LOOKOUT_PUBLIC_URL: 'https://lookout.example.com' } }).auth.sessions.cookieName).toBe('__Host-lookout');
    writeFileSync(file, 'auth:\n  sessions:\n    cookieName: lookout_plain\n');
    expect(loadConfig({ file, env: { LOOKOUT_PUBLIC_URL: 'http://lookout.example.com' } }).auth.sessions.cookieName).toBe('lookout_plain');
  });

  it('reads context windows from the config file and names a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-config-'));
    const file = join(dir, 'lookout.yaml');
    writeFileSync(file, "pricing:\n  contextWindows:\n    house-model-7: 32768\n    'openai/ft:gpt-4o-mini:acme': 65536\n");
    expect(loadConfig({ file, env: {} }).pricing.contextWindows).toEqual({ 'house-model-7': 32_768, 'openai/ft:gpt-4o-mini:acme': 65_536 });
    expect(loadConfig({ env: {} }).pricing.contextWindows).toEqual({});
    for (const [value, message] of [
      ['-5', 'must be more than 0 tokens'],
      ['1.5', 'must be a whole number of tokens'],
      ['lots', 'must be a number of tokens'],
      ['true', 'must be a number of tokens'],
      ['200000000', 'must be at most 100000000 tokens'],
    ]) {
      writeFileSync(file, `pricing:\n  contextWindows:\n    house-model-7: ${value}\n`);
      expect(() => loadConfig({ file, env: {} }), value).toThrow(`pricing.contextWindows.house-model-7: ${message} (from config file ${file})`);
    }
    writeFileSync(file, 'pricing:\n  contextWindows:\n    House-Model-7: 1000\n    house-model-7: 2000\n');
    expect(() => loadConfig({ file, env: {} })).toThrow('pricing.contextWindows.house-model-7: names the same model as "House-Model-7"');
    writeFileSync(file, 'pricing:\n  contextWindows:\n    "": 1000\n');
    expect(() => loadConfig({ file, env: {} })).toThrow('pricing.contextWindows.: a model name must not be empty');
  });

  it('reads the ClickHouse settings from the environment and names what is missing or wrong', () => {
    const c = loadConfig({
      env: {
        LOOKOUT_STORAGE: 'clickhouse',
        LOOKOUT_CLICKHOUSE_URL: 'http://ch-1:8123, https://ch-2:8443',
        LOOKOUT_CLICKHOUSE_CLUSTER: 'lookout',
        LOOKOUT_CLICKHOUSE_DATABASE: 'observability',
        LOOKOUT_CLICKHOUSE_USER: 'lookout',
        LOOKOUT_CLICKHOUSE_PASSWORD: 'secret',
        LOOKOUT_CLICKHOUSE_ON_CLUSTER: 'true',
      },
    });
    expect(c.storage.backend).toBe('clickhouse');
    expect(c.storage.clickhouse).toEqual({
      url: ['http://ch-1:8123', 'https://ch-2:8443'],
      cluster: 'lookout',
      database: 'observability',
      user: 'lookout',
      password: 'secret',
      caFile: null,
      onCluster: true,
    });
    expect(() => loadConfig({ env: { LOOKOUT_STORAGE: 'clickhouse' } })).toThrow(
      'storage.clickhouse.url: is required when storage.backend is clickhouse (LOOKOUT_CLICKHOUSE_URL)',
    );
    expect(() => loadConfig({ env: { LOOKOUT_STORAGE: 'clickhouse', LOOKOUT_CLICKHOUSE_URL: 'http://a:8123,http://b:8123' } })).toThrow(
      'storage.clickhouse.cluster: is required when storage.clickhouse.url lists several shards (LOOKOUT_CLICKHOUSE_CLUSTER)',
    );
    expect(() => loadConfig({ env: { LOOKOUT_STORAGE: 'clickhouse', LOOKOUT_CLICKHOUSE_URL: 'ftp://a' } })).toThrow('must be an http:// or https:// URL');
    expect(() => loadConfig({ env: { LOOKOUT_CLICKHOUSE_DATABASE: 'x; DROP TABLE spans' } })).toThrow('must be a plain database name');
  });

  it('requires keys unless bound to loopback', () => {
    expect(keysRequired({ host: '127.0.0.1', requireApiKeys: 'auto' })).toBe(false);
    expect(keysRequired({ host: '::1', requireApiKeys: 'auto' })).toBe(false);
    expect(keysRequired({ host: '0.0.0.0', requireApiKeys: 'auto' })).toBe(true);
    expect(keysRequired({ host: '127.0.0.1', requireApiKeys: 'always' })).toBe(true);
    // A name that starts like a loopback address is not one.
    expect(keysRequired({ host: '127.evil.example', requireApiKeys: 'auto' })).toBe(true);
    expect(keysRequired({ host: '127.0.0.1', requireApiKeys: 'auto', server: { trustProxy: true } })).toBe(true);
  });

  it('isLoopback parses addresses instead of testing a prefix', () => {
    for (const loopback of ['127.0.0.1', '127.0.0.2', '127.255.255.254', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1', 'localhost']) {
      expect(isLoopback(loopback), loopback).toBe(true);
    }
    for (const other of ['127.evil.example', '127.', '127', '1270.0.0.1', '128.0.0.1', '10.0.0.1', '::ffff:10.0.0.1', '::2', '0.0.0.0', '::', 'localhost.example', '']) {
      expect(isLoopback(other), other).toBe(false);
    }
  });

  it('reads the server settings from the environment and refuses ones that conflict', () => {
    const c = loadConfig({ env: { LOOKOUT_ALLOWED_HOSTS: 'Lookout.Internal, box.lan:8443', LOOKOUT_ALLOWED_ORIGINS: 'https://portal.example.com', LOOKOUT_TRUST_PROXY: 'true', LOOKOUT_METRICS_REQUIRE_KEY: 'true' } });
    expect(c.server).toMatchObject({ allowedHosts: ['lookout.internal', 'box.lan:8443'], allowedOrigins: ['https://portal.example.com'], trustProxy: true, requestTimeoutMs: 120_000 });
    expect(c.metrics.requireKey).toBe(true);
    expect(() => loadConfig({ env: { LOOKOUT_ALLOWED_ORIGINS: 'https://portal.example.com/' } })).toThrow(/server\.allowedOrigins.*origin such as.*LOOKOUT_ALLOWED_ORIGINS/);
    expect(() => loadConfig({ env: { LOOKOUT_ALLOWED_HOSTS: 'http://x' } })).toThrow(/server\.allowedHosts/);
    expect(() => loadConfig({ env: { LOOKOUT_TRUST_PROXY: 'true', LOOKOUT_REQUIRE_API_KEYS: 'never' } })).toThrow(/server\.trustProxy.*keys are required/);
    expect(() => loadConfig({ env: { LOOKOUT_CONNECTION_TIMEOUT_MS: '60000' } })).toThrow(/server\.connectionTimeoutMs.*gateway/);
    expect(() => loadConfig({ env: { LOOKOUT_HEADERS_TIMEOUT_MS: '5000', LOOKOUT_REQUEST_TIMEOUT_MS: '1000' } })).toThrow(/server\.headersTimeoutMs/);
  });
});
