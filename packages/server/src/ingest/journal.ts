import { readdir, readFile, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type DurableFs, nodeDurableFs } from '../state/durable-fs.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE } from '../state/private-files.ts';
import type { EncodedBatch, LoadFiles } from '../store/store.ts';

// The ingest journal: the point at which Lookout's acknowledgement becomes durable.
//
// Each acknowledged group of records is one segment: up to three files (spans, scores, logs) in
// the store's own bulk-load format, written and fsynced, then the directory fsynced, before any
// request of the group is answered. The store is loaded from the segment files in the
// background and the files are deleted after the load commits. Files left behind by a crash are
// loaded again at start; loading skips rows already stored, so a segment loaded twice counts once.
//
// A crash while a segment is being written can leave it torn (cut mid-record, a zero-filled tail,
// an empty file). Such a segment was never acknowledged, since its fsync had not returned, so at
// start only its complete records (newline-terminated JSON objects) are kept and the rest is
// dropped and counted; a torn file never reaches the store's loader, which would refuse it.

const KINDS = ['spans', 'scores', 'logs'] as const;
const SEGMENT_FILE = /^(\d{12})\.(spans|scores|logs)\.ndjson$/;
const REPAIR_SUFFIX = '.repair';

export interface Segment {
  seq: number;
  files: LoadFiles;
  spanWindowUs: [number, number] | null;
  rows: number;
}

// What start-up found in the segment files an earlier run left behind.
export interface JournalRecovery {
  // Complete records kept for loading.
  records: number;
  // Segment files that held anything besides complete records (names, not paths).
  tornFiles: string[];
  // Incomplete or unreadable lines dropped, and their size with their newlines.
  droppedLines: number;
  droppedBytes: number;
}

export class Journal {
  readonly dir: string;
  readonly recovery: JournalRecovery;
  private nextSeq: number;
  private readonly leftovers: Segment[];
  private readonly fs: DurableFs;

  private constructor(dir: string, nextSeq: number, leftovers: Segment[], recovery: JournalRecovery, fs: DurableFs) {
    this.dir = dir;
    this.nextSeq = nextSeq;
    this.leftovers = leftovers;
    this.recovery = recovery;
    this.fs = fs;
  }

  // `fs` is replaced only by tests that watch the order of fsyncs.
  static async open(dir: string, fs: DurableFs = nodeDurableFs): Promise<Journal> {
    ensurePrivateDir(dir);
    const bySeq = new Map<number, Segment>();
    const recovery: JournalRecovery = { records: 0, tornFiles: [], droppedLines: 0, droppedBytes: 0 };
    let maxSeq = 0;
    let changed = false;
    for (const name of (await readdir(dir)).sort()) {
      if (name.endsWith(REPAIR_SUFFIX) && SEGMENT_FILE.test(name.slice(0, -REPAIR_SUFFIX.length))) {
        // A repair interrupted by another crash; the segment file it was made from is still there.
        await unlink(join(dir, name));
        changed = true;
        continue;
      }
      const m = SEGMENT_FILE.exec(name);
      if (!m) continue;
      const seq = Number(m[1]);
      maxSeq = Math.max(maxSeq, seq);
      const path = join(dir, name);
      const { kept, rewritten, records } = await repairSegmentFile(path, fs, recovery);
      changed ||= !kept || rewritten;
      if (!kept) continue;
      const seg = bySeq.get(seq) ?? { seq, files: { spans: [], scores: [], logs: [] }, spanWindowUs: null, rows: 0 };
      seg.files[m[2] as (typeof KINDS)[number]].push(path);
      seg.rows += records;
      bySeq.set(seq, seg);
    }
    const journal = new Journal(dir, maxSeq + 1, [...bySeq.values()].sort((a, b) => a.seq - b.seq), recovery, fs);
    if (changed) await journal.syncDir();
    return journal;
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
      const fh = await this.fs.open(path, 'wx', PRIVATE_FILE_MODE);
      try {
        await fh.writeFile(encoded[kind]);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      seg.files[kind].push(path);
    }
    // The new files' directory entries must be on disk too, or a crash could lose them.
    await this.syncDir();
    return seg;
  }

  async remove(segments: Segment[]): Promise<void> {
    for (const seg of segments) {
      for (const kind of KINDS) for (const f of seg.files[kind]) await unlink(f).catch(() => undefined);
    }
  }

  private async syncDir(): Promise<void> {
    const dh = await this.fs.open(this.dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }
}

// Keeps the complete records of one leftover segment file. A file with none is deleted; a file
// with anything else is rewritten (temporary file, fsync, rename) to hold only its complete
// records; the caller syncs the directory after either.
async function repairSegmentFile(
  path: string,
  fs: DurableFs,
  recovery: JournalRecovery,
): Promise<{ kept: boolean; rewritten: boolean; records: number }> {
  const text = await readFile(path, 'utf8');
  const lines = text.split('\n');
  // The text after the last newline was still being written: never a complete record.
  const tail = lines.pop()!;
  const good: string[] = [];
  let droppedLines = 0;
  let droppedBytes = Buffer.byteLength(tail);
  if (tail.length) droppedLines++;
  for (const line of lines) {
    if (isRecord(line)) good.push(line);
    else {
      droppedLines++;
      droppedBytes += Buffer.byteLength(line) + 1;
    }
  }
  recovery.records += good.length;
  recovery.droppedLines += droppedLines;
  recovery.droppedBytes += droppedBytes;
  if (droppedBytes || !good.length) recovery.tornFiles.push(basename(path));
  if (!good.length) {
    await unlink(path);
    return { kept: false, rewritten: false, records: 0 };
  }
  if (!droppedBytes) return { kept: true, rewritten: false, records: good.length };
  const tmp = path + REPAIR_SUFFIX;
  const fh = await fs.open(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    await fh.writeFile(good.join('\n') + '\n');
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, path);
  return { kept: true, rewritten: true, records: good.length };
}

function isRecord(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}
