import { readdirSync, readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Logger } from 'pino';

// Background work yields the CPU to requests. The store's queries and loads, the journal's file
// writes and fsyncs all run on libuv's worker threads; the event loop on the main thread answers
// requests (the gateway's proxying, ingest acknowledgements). On a machine with few cores, a
// store load running at the same priority as the event loop delays every request that arrives
// meanwhile. Giving the worker threads a higher nice value lets the event loop go first; they
// still get every cycle the event loop does not use.
//
// Linux only (setpriority on a thread id); elsewhere a no-op. New worker threads (libuv starts
// its pool on first use) are picked up by a re-scan every minute.

const RESCAN_MS = 60_000;
const TASKS = '/proc/self/task';

export class BackgroundPriority {
  private readonly done = new Set<number>();
  private timer: NodeJS.Timeout | null = null;

  private readonly nice: number;
  private readonly logger: Logger;

  constructor(nice: number, logger: Logger) {
    this.nice = nice;
    this.logger = logger;
  }

  start(): void {
    if (process.platform !== 'linux' || this.nice === 0) return;
    this.apply();
    this.timer = setInterval(() => this.apply(), RESCAN_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  // The thread ids given a new priority by this call.
  apply(): number[] {
    let tids: string[];
    try {
      tids = readdirSync(TASKS);
    } catch {
      return [];
    }
    const changed: number[] = [];
    for (const t of tids) {
      const tid = Number(t);
      if (tid === process.pid || this.done.has(tid)) continue;
      let name: string;
      try {
        name = readFileSync(`${TASKS}/${t}/comm`, 'utf8').trim();
      } catch {
        continue; // the thread ended
      }
      // V8's threads (garbage collection helpers, the platform's task runner) and the inspector's
      // signal thread keep their priority: slowing them would lengthen pauses of the event loop.
      if (name.startsWith('V8') || name.startsWith('DelayedTask') || name.startsWith('Signal')) continue;
      this.done.add(tid);
      try {
        setPriority(tid, this.nice);
        changed.push(tid);
      } catch (err) {
        this.logger.debug({ err, tid, name }, 'could not lower a background thread priority');
      }
    }
    if (changed.length) this.logger.debug({ event: 'background_priority', nice: this.nice, threads: changed.length }, 'background threads niced');
    return changed;
  }
}
