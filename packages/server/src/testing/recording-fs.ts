import { basename } from 'node:path';
import { type DurableFileHandle, type DurableFs, nodeDurableFs } from '../state/durable-fs.ts';

// The real file system, with every write, fsync and rename recorded in order once it has
// completed. A call can be held until the test releases it, or made to fail, to show what waits
// for an fsync: a killed process keeps the page cache, so a crash test cannot.

type Op = 'write' | 'datasync' | 'sync' | 'rename';

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export interface Held {
  // Resolves when the call has been made and is being held.
  reached: Promise<void>;
  release(): void;
}

export class RecordingFs implements DurableFs {
  readonly log: string[] = [];
  private readonly dir: string;
  private readonly holds: { op: Op; name: string; reached: Deferred; release: Deferred; used: boolean }[] = [];
  private readonly failures: { op: Op; name: string; error: Error }[] = [];

  // `dir` is named "dir" in the log; other paths by their file name.
  constructor(dir: string) {
    this.dir = dir;
  }

  // Holds the next `op` on the file named `name` until released.
  hold(op: Op, name: string): Held {
    const h = { op, name, reached: deferred(), release: deferred(), used: false };
    this.holds.push(h);
    return { reached: h.reached.promise, release: h.release.resolve };
  }

  // Makes every `op` on the file named `name` fail with `error`, as a failing disk would.
  fail(op: Op, name: string, error: Error): void {
    this.failures.push({ op, name, error });
  }

  async open(path: string, flags: string, mode?: number): Promise<DurableFileHandle> {
    const fh = await nodeDurableFs.open(path, flags, mode);
    const name = this.nameOf(path);
    return {
      chmod: (m) => fh.chmod(m),
      close: () => fh.close(),
      writeFile: (data, options) => this.call('write', name, () => fh.writeFile(data, options)),
      datasync: () => this.call('datasync', name, () => fh.datasync()),
      sync: () => this.call('sync', name, () => fh.sync()),
    };
  }

  rename(oldPath: string, newPath: string): Promise<void> {
    return this.call('rename', this.nameOf(oldPath), () => nodeDurableFs.rename(oldPath, newPath), ` -> ${this.nameOf(newPath)}`);
  }

  private nameOf(path: string): string {
    return path === this.dir ? 'dir' : basename(path);
  }

  private async call<T>(op: Op, name: string, real: () => Promise<T>, suffix = ''): Promise<T> {
    const failure = this.failures.find((f) => f.op === op && f.name === name);
    if (failure) {
      this.log.push(`${op} ${name}${suffix} failed`);
      throw failure.error;
    }
    const hold = this.holds.find((h) => !h.used && h.op === op && h.name === name);
    if (hold) {
      hold.used = true;
      hold.reached.resolve();
      await hold.release.promise;
    }
    const result = await real();
    this.log.push(`${op} ${name}${suffix}`);
    return result;
  }
}

// The label of whichever promise settles first (a rejection rejects).
export function first(promises: Record<string, Promise<unknown>>): Promise<string> {
  return Promise.race(Object.entries(promises).map(([label, p]) => p.then(() => label)));
}

// Lets every callback already queued run, so a step that does not wait for a held call would
// have happened by now.
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}
