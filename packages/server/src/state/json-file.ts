import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type DurableFs, nodeDurableFs } from './durable-fs.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.ts';

// Small documents the server keeps beside the store (alert state, silences, budgets): written
// whole, atomically (temporary file, fsync, rename, directory fsync), so a crash leaves either
// the old or the new document, never a torn one. Writes to one file are serialised.

export class JsonFile<T> {
  private writing: Promise<void> = Promise.resolve();
  private readonly path: string;
  private readonly fs: DurableFs;

  // `fs` is replaced only by tests that watch the order of fsyncs.
  constructor(path: string, fs: DurableFs = nodeDurableFs) {
    this.path = path;
    this.fs = fs;
  }

  // The document, or `fallback` when the file does not exist yet.
  async read(fallback: T): Promise<T> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new Error(`${this.path} is not valid JSON (${(err as Error).message}); fix or remove it`);
    }
  }

  write(doc: T): Promise<void> {
    const text = JSON.stringify(doc);
    const next = this.writing.then(() => this.writeNow(text));
    // A failed write does not poison the next one; its caller sees the error.
    this.writing = next.catch(() => undefined);
    return next;
  }

  private async writeNow(text: string): Promise<void> {
    const dir = dirname(this.path);
    await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const tmp = `${this.path}.tmp`;
    const fh = await this.fs.open(tmp, 'w', PRIVATE_FILE_MODE);
    try {
      // A temporary file left by a crash keeps its old mode; the rename would publish it.
      await fh.chmod(PRIVATE_FILE_MODE);
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await this.fs.rename(tmp, this.path);
    const dh = await this.fs.open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }
}
