import { open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../state/private-files.ts';
import type { EncodedBatch, LoadFiles } from '../store/store.ts';

// The ingest journal: the point at which Lookout's acknowledgement becomes durable.
//
// Each acknowledged group of records is one segment: up to three files (spans, scores, logs) in
// the store's own bulk-load format, written and fsynced, then the directory fsynced, before any
// request of the group is answered. The store is loaded from the segment files in the
// background and the files are deleted after the load commits. Files left behind by a crash are
// loaded again at start; loading skips rows already stored, so a segment loaded twice counts once.

const KINDS = ['spans', 'scores', 'logs'] as const;
const SEGMENT_FILE = /^(\d{12})\.(spans|scores|logs)\.ndjson$/;

export interface Segment {
  seq: number;
  files: LoadFiles;
  spanWindowUs: [number, number] | null;
  rows: number;
}

export class Journal {
  readonly dir: string;
  private nextSeq: number;
  private readonly leftovers: Segment[];

  private constructor(dir: string, nextSeq: number, leftovers: Segment[]) {
    this.dir = dir;
    this.nextSeq = nextSeq;
    this.leftovers = leftovers;
  }

  static async open(dir: string): Promise<Journal> {
    ensurePrivateDir(dir);
    const bySeq = new Map<number, Segment>();
    for (const name of await readdir(dir)) {
      const m = SEGMENT_FILE.exec(name);
      if (!m) continue;
      const seq = Number(m[1]);
      const seg = bySeq.get(seq) ?? { seq, files: { spans: [], scores: [], logs: [] }, spanWindowUs: null, rows: 0 };
      seg.files[m[2] as (typeof KINDS)[number]].push(join(dir, name));
      bySeq.set(seq, seg);
    }
    const leftovers = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    const nextSeq = leftovers.length ? leftovers[leftovers.length - 1].seq + 1 : 1;
    return new Journal(dir, nextSeq, leftovers);
  }

  // Segments written before the last stop and never deleted: they may or may not be loaded.
  takeLeftovers(): Segment[] {
    return this.leftovers.splice(0);
  }

  async append(encoded: EncodedBatch, rows: number): Promise<Segment> {
    const seq = this.nextSeq++;
    const seg: Segment = { seq, files: { spans: [], scores: [], logs: [] }, spanWindowUs: encoded.spanWindowUs, rows };
    for (const kind of KINDS) {
      if (!encoded[kind]) continue;
      const path = join(this.dir, `${String(seq).padStart(12, '0')}.${kind}.ndjson`);
      const fh = await open(path, 'wx', PRIVATE_FILE_MODE);
      try {
        await fh.writeFile(encoded[kind]);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      seg.files[kind].push(path);
    }
    // The new files' directory entries must be on disk too, or a crash could lose them.
    const dh = await open(this.dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
    return seg;
  }

  async remove(segments: Segment[]): Promise<void> {
    for (const seg of segments) {
      for (const kind of KINDS) for (const f of seg.files[kind]) await unlink(f).catch(() => undefined);
    }
  }
}
