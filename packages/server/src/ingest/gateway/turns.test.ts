import { describe, expect, it } from 'vitest';
import { TurnQueue } from './turns.ts';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

// Counts the turns of the event loop while `run` goes on.
async function withTurns(run: (turn: () => number) => Promise<void>): Promise<void> {
  let turn = 0;
  let turning = true;
  const tick = () => {
    turn++;
    if (turning) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await run(() => turn);
  } finally {
    turning = false;
  }
}

describe('TurnQueue', () => {
  it('runs a burst of jobs in order, about a millisecond of them per turn of the event loop', async () => {
    await withTurns(async (turn) => {
      const errors: unknown[] = [];
      const q = new TurnQueue(1, (err) => errors.push(err));
      const ran: { job: number; turn: number }[] = [];
      const done = new Promise<void>((resolve) => {
        for (let job = 0; job < 40; job++)
          q.push(() => {
            ran.push({ job, turn: turn() });
            busy(0.3);
            if (job === 39) resolve();
          });
      });
      expect(ran).toEqual([]); // nothing runs on the caller's turn
      await done;
      expect(ran.map((r) => r.job)).toEqual(Array.from({ length: 40 }, (_, i) => i));
      const perTurn = new Map<number, number>();
      for (const r of ran) perTurn.set(r.turn, (perTurn.get(r.turn) ?? 0) + 1);
      // 0.3 ms each: the fourth passes the millisecond, and the rest wait for the next turn.
      expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(4);
      expect(perTurn.size).toBeGreaterThanOrEqual(10);
      expect(q.size).toBe(0);
      expect(errors).toEqual([]);
    });
  });

  it('reports a job that throws and goes on with the others', async () => {
    const errors: unknown[] = [];
    const q = new TurnQueue(1, (err) => errors.push(err));
    const ran: number[] = [];
    await new Promise<void>((resolve) => {
      q.push(() => ran.push(1));
      q.push(() => {
        throw new Error('broken record');
      });
      q.push(() => ran.push(3));
      // A job queued after the queue emptied runs too.
      setTimeout(() => q.push(() => resolve()), 5);
    });
    expect(ran).toEqual([1, 3]);
    expect(errors).toEqual([new Error('broken record')]);
  });

  it('runs everything still queued at once when closing', () => {
    const q = new TurnQueue(1, () => {});
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) q.push(() => ran.push(i));
    q.runAll();
    expect(ran).toEqual([0, 1, 2, 3, 4]);
    expect(q.size).toBe(0);
  });

  it('runs a job that stops at its deadline again on a later turn, before the jobs behind it', async () => {
    await withTurns(async (turn) => {
      const q = new TurnQueue(1, () => {});
      const ran: { job: string; turn: number }[] = [];
      let slices = 0;
      await new Promise<void>((resolve) => {
        // Ten slices of 0.6 ms: each turn has room for about two.
        q.push((untilMs) => {
          ran.push({ job: 'long', turn: turn() });
          for (;;) {
            busy(0.6);
            if (++slices === 10) return false;
            if (performance.now() >= untilMs) return true;
          }
        });
        q.push(() => {
          ran.push({ job: 'short', turn: turn() });
          resolve();
        });
      });
      expect(slices).toBe(10);
      expect(ran.at(-1)!.job).toBe('short');
      expect(ran.filter((r) => r.job === 'long').length).toBeGreaterThanOrEqual(4);
      expect(new Set(ran.map((r) => r.turn)).size).toBeGreaterThanOrEqual(4);
    });
  });

  it('refuses a job past its bound, and runs a resumable job to its end when closing', () => {
    const q = new TurnQueue(1, () => {}, 2);
    let left = 3;
    expect(q.tryPush(() => --left > 0)).toBe(true);
    expect(q.tryPush(() => {})).toBe(true);
    expect(q.tryPush(() => {})).toBe(false);
    expect(q.size).toBe(2);
    q.runAll();
    expect(left).toBe(0);
    expect(q.size).toBe(0);
  });
});
