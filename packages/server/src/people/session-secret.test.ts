import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DocumentStore } from '../store/documents.ts';
import { loadSessionSecret, SESSION_SECRET_FILE } from './session-secret.ts';

// Documents and leases in memory (the semantics of the ClickHouse ones), whose writes take as long
// as the test says: a node slow to write.
class SlowDocuments implements DocumentStore {
  readonly docs = new Map<string, string>();
  readonly leases = new Map<string, { holder: string; expiresMs: number }>();
  writeDelays: number[] = [];

  async read(name: string): Promise<string | null> {
    return this.docs.get(name) ?? null;
  }

  async write(name: string, text: string): Promise<void> {
    await new Promise((r) => setTimeout(r, this.writeDelays.shift() ?? 0));
    this.docs.set(name, text);
  }

  async lease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const current = this.leases.get(name);
    if (current && current.holder !== holder && current.expiresMs > Date.now()) return false;
    this.leases.set(name, { holder, expiresMs: Date.now() + ttlMs });
    return true;
  }

  async release(name: string, holder: string): Promise<void> {
    if (this.leases.get(name)?.holder === holder) this.leases.delete(name);
  }
}

// E4: the secret signing session cookies is made once and kept, so that a restart signs no one out.

describe('the session secret', () => {
  it('is the configured one when set; else made once, kept 0600 in the data directory, and the same at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-secret-'));
    const file = join(dir, SESSION_SECRET_FILE);
    const configured = 'x'.repeat(40);
    expect(await loadSessionSecret(configured, null, file)).toBe(configured);
    const made = await loadSessionSecret(null, null, file);
    expect(made.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await loadSessionSecret(null, null, file)).toBe(made);
    // Two starts at once agree on one.
    const other = join(dir, 'other.key');
    const [a, b] = await Promise.all([loadSessionSecret(null, null, other), loadSessionSecret(null, null, other)]);
    expect(a).toBe(b);
    // A damaged file is refused, not silently replaced.
    writeFileSync(file, 'short');
    await expect(loadSessionSecret(null, null, file)).rejects.toThrow(/holds no session secret/);
  });

  it('is one secret for nodes that start together on a shared store, even when one is slow to write', async () => {
    const documents = new SlowDocuments();
    // The first writer takes 0.1 s, the second 0.6 s: past any fixed settling time.
    documents.writeDelays = [100, 600];
    const secrets = await Promise.all([0, 1, 2].map(() => loadSessionSecret(null, documents, '/nonexistent/unused')));
    expect(new Set(secrets).size).toBe(1);
    expect(secrets[0].length).toBeGreaterThanOrEqual(32);
  });
});
