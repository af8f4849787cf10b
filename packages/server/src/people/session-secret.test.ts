import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSessionSecret, SESSION_SECRET_FILE } from './session-secret.ts';

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
});
