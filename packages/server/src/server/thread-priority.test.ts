import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { BackgroundPriority } from './thread-priority.ts';

// Field 19 of /proc/<pid>/task/<tid>/stat is the nice value (after the command in parentheses).
function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

function nameOf(tid: number): string {
  return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
}

describe.runIf(process.platform === 'linux')('BackgroundPriority', () => {
  it("lowers libuv's worker threads and leaves the event loop and V8's threads alone", async () => {
    await readFile(new URL(import.meta.url)); // libuv starts its worker pool on first use
    const loopNice = niceOf(process.pid); // whatever the test runner was started with
    const bp = new BackgroundPriority(7, pino({ level: 'silent' }));
    const changed = bp.apply();
    expect(changed.length).toBeGreaterThan(0);
    expect(changed).not.toContain(process.pid);
    for (const tid of changed) {
      expect(niceOf(tid)).toBe(7);
      expect(nameOf(tid)).not.toMatch(/^V8/);
    }
    expect(changed.map(nameOf)).toContain('libuv-worker');
    expect(niceOf(process.pid)).toBe(loopNice);
    // A second pass changes nothing already done.
    expect(bp.apply()).toEqual([]);
  });
});
