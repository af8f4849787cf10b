// The leak checks of the other e2e tests ask the harness whether a child process ever printed a
// secret; these tests hold the harness to seeing all of the output, not just what it keeps in memory.
import { describe, expect, it } from 'vitest';
import { ManagedProcess } from './harness.ts';

const fillerChars = 300 * 1024; // more than the harness keeps of either end in memory
const secret = 'sk-e2e-leak-7d1f0c9a4b2e';
const stderrSecret = 'sk-e2e-leak-stderr-31c8e5';

// A child that runs `script` (JavaScript) and exits. The secrets reach it in its environment, so
// that they are not in its command line, which output() shows.
async function runNode(script: string): Promise<ManagedProcess> {
  const env = { ...process.env, E2E_SECRET: secret, E2E_STDERR_SECRET: stderrSecret };
  const child = new ManagedProcess('printer', process.execPath, ['-e', script], { env });
  const status = await child.waitForExit(30_000);
  expect(status.code, child.output()).toBe(0);
  return child;
}

describe('what a child process printed', () => {
  it('finds a secret printed between large amounts of other output, on either stream', async () => {
    const child = await runNode(`
      const filler = (n) => 'log line without secrets\\n'.repeat(Math.ceil(n / 25));
      process.stdout.write(filler(${fillerChars}));
      process.stdout.write('token=' + process.env.E2E_SECRET + '\\n');
      process.stdout.write(filler(${fillerChars}));
      process.stderr.write(filler(${fillerChars}));
      process.stderr.write('err ' + process.env.E2E_STDERR_SECRET + '\\n');
      process.stderr.write(filler(${fillerChars}));
    `);
    // The in-memory copies really dropped both, so only a complete check can find them.
    expect(child.output()).not.toContain(secret);
    expect(child.output()).not.toContain(stderrSecret);
    expect(child.stdout).not.toContain(secret);
    expect(child.stderr).not.toContain(stderrSecret);
    expect(child.everything('stdout').length).toBeGreaterThan(2 * fillerChars);
    expect(child.printed(secret)).toBe(true);
    expect(child.printed(stderrSecret)).toBe(true);
    expect(child.printed('sk-never-printed')).toBe(false);
  });

  it('finds a secret written in two pieces with the other stream in between', async () => {
    // Pauses between the writes, so that the pieces reach the harness as separate chunks.
    const child = await runNode(`
      const secret = process.env.E2E_SECRET;
      const half = secret.length / 2;
      process.stdout.write(secret.slice(0, half));
      setTimeout(() => process.stderr.write('interleaved\\n'), 100);
      setTimeout(() => process.stdout.write(secret.slice(half) + '\\n'), 200);
    `);
    expect(child.output()).not.toContain(secret);
    expect(child.printed(secret)).toBe(true);
  });

  it('keeps the first lines in memory, where the listening line of a server is', async () => {
    const child = await runNode(`
      process.stdout.write('listening on 127.0.0.1:1\\n');
      process.stdout.write('x'.repeat(${2 * fillerChars}) + '\\n');
    `);
    expect(child.stdout).toMatch(/^listening on 127\.0\.0\.1:1\n/);
    expect(child.output()).toContain('listening on 127.0.0.1:1');
  });
});
