import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keysRequired, loadConfig } from './config.ts';

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

  it('requires keys unless bound to loopback', () => {
    expect(keysRequired({ host: '127.0.0.1', requireApiKeys: 'auto' })).toBe(false);
    expect(keysRequired({ host: '::1', requireApiKeys: 'auto' })).toBe(false);
    expect(keysRequired({ host: '0.0.0.0', requireApiKeys: 'auto' })).toBe(true);
    expect(keysRequired({ host: '127.0.0.1', requireApiKeys: 'always' })).toBe(true);
  });
});
