import { describe, expect, it } from 'vitest';
import { ReadGate } from './read-gate.ts';
import { INTERNAL_READS, runAsReadTenant } from './read-tenant.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ReadGate', () => {
  it('runs at most perTenant reads of one project at a time, the next ones as slots free, while another project goes on', async () => {
    const gate = new ReadGate({ perTenant: 2, queuedPerTenant: 10, queued: 100 });
    let running = 0;
    let most = 0;
    const holds = Array.from({ length: 5 }, deferred);
    const read = (i: number) => async () => {
      running++;
      most = Math.max(most, running);
      await holds[i].promise;
      running--;
      return i;
    };
    const reads = holds.map((_, i) => runAsReadTenant('project:a', () => gate.run(read(i))));
    await new Promise((r) => setTimeout(r, 10));
    expect(running).toBe(2);
    // Another project is not held behind project a.
    expect(await runAsReadTenant('project:b', () => gate.run(async () => 'b'))).toBe('b');
    for (const h of holds) h.resolve();
    expect(await Promise.all(reads)).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('refuses a project whose reads pile up with 429 too_many_queries, counts it, and never holds the server back', async () => {
    const refused: string[] = [];
    const gate = new ReadGate({ perTenant: 1, queuedPerTenant: 2, queued: 100 }, (r) => refused.push(r));
    const hold = deferred();
    const reads = Array.from({ length: 3 }, () => runAsReadTenant('project:a', () => gate.run(() => hold.promise)));
    await expect(runAsReadTenant('project:a', () => gate.run(async () => 'late'))).rejects.toMatchObject({ code: 'too_many_queries', status: 429 });
    expect(refused).toEqual(['busy']);
    expect(await runAsReadTenant(INTERNAL_READS, () => gate.run(async () => 'server'))).toBe('server');
    hold.resolve();
    await Promise.all(reads);
  });

  it('bounds the waiting reads of all projects together', async () => {
    const gate = new ReadGate({ perTenant: 1, queuedPerTenant: 5, queued: 2 });
    const hold = deferred();
    const reads = ['a', 'b', 'c'].flatMap((t) => [0, 1].map(() => runAsReadTenant(`project:${t}`, () => gate.run(() => hold.promise).catch((e: Error) => e))));
    await new Promise((r) => setTimeout(r, 10));
    hold.resolve();
    const outcomes = await Promise.all(reads);
    // Three running (one per project), two waiting, the sixth refused.
    expect(outcomes.filter((o) => o instanceof Error)).toHaveLength(1);
  });
});
