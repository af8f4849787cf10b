import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScoreRecord } from '../domain/score.ts';
import type { SpanRecord } from '../domain/span.ts';
import { Pricer } from '../enrich/pricing/index.ts';
import { LookoutMetrics } from '../metrics/registry.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { projectId } from '../store/store.ts';
import { makeScore, makeSpan } from '../testing/fixtures.ts';
import { Journal } from './journal.ts';
import { IngestPipeline } from './pipeline.ts';

// A crash while a segment is being written leaves it torn. Start-up must load every complete
// record of every segment, drop and report the rest, and neither crash nor load a torn line.

const P = projectId('default');
let store: DuckDbStore | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
});

type LogLine = { event?: string; [k: string]: unknown };

async function start(dataDir: string, journalDir: string): Promise<{ pipeline: IngestPipeline; logs: LogLine[] }> {
  store = await DuckDbStore.open(dataDir);
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const pipeline = new IngestPipeline(
    {
      store,
      journal: await Journal.open(journalDir),
      pricer: new Pricer(),
      metrics: new LookoutMetrics({ defaultMetrics: false }),
      logger: pino({ level: 'info' }, sink),
    },
    { maxQueueRows: 1_000, maxWriteBatchRows: 100 },
  );
  return { pipeline, logs };
}

// The store's own journal lines for these records, one string per record.
function lines(s: DuckDbStore, spans: SpanRecord[], scores: ScoreRecord[] = []): { spans: string[]; scores: string[] } {
  const enc = s.encode({ spans, scores, logs: [] }, Date.now() * 1000);
  const split = (text: string) => (text ? text.replace(/\n$/, '').split('\n') : []);
  const out = { spans: split(enc.spans), scores: split(enc.scores) };
  expect(out.spans).toHaveLength(spans.length);
  expect(out.scores).toHaveLength(scores.length);
  return out;
}

const seg = (seq: number, kind: 'spans' | 'scores') => `${String(seq).padStart(12, '0')}.${kind}.ndjson`;
const spansOf = (n: number, name: string) => Array.from({ length: n }, (_, i) => makeSpan({ name: `${name}-${i}` }));

describe('journal recovery from torn segments', () => {
  it('loads every complete record, reports the torn rest, and loads no part of a torn line', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lookout-torn-'));
    const dataDir = join(root, 'data');
    const journalDir = join(root, 'journal');
    // An encoder for the files the crashed run would have written (same format, same store code).
    store = await DuckDbStore.open(null);
    const whole = spansOf(3, 'whole');
    const wholeScores = [makeScore(), makeScore()];
    const cut = spansOf(3, 'cut');
    const cutScores = [makeScore(), makeScore()];
    const zeroed = spansOf(3, 'zeroed');
    const padded = spansOf(3, 'padded');
    const unterminated = spansOf(3, 'unterminated');
    const holed = spansOf(4, 'holed');
    const L = {
      whole: lines(store, whole, wholeScores),
      cut: lines(store, cut, cutScores),
      zeroed: lines(store, zeroed),
      padded: lines(store, padded),
      unterminated: lines(store, unterminated),
      holed: lines(store, holed),
    };
    await store.close();
    store = undefined;

    const files: [string, string | Buffer][] = [
      // Complete: spans and scores.
      [seg(1, 'spans'), L.whole.spans.join('\n') + '\n'],
      [seg(1, 'scores'), L.whole.scores.join('\n') + '\n'],
      // Truncated in the middle of the third span record and of the second score record.
      [seg(2, 'spans'), `${L.cut.spans[0]}\n${L.cut.spans[1]}\n${L.cut.spans[2].slice(0, 40)}`],
      [seg(2, 'scores'), `${L.cut.scores[0]}\n${L.cut.scores[1].slice(0, L.cut.scores[1].length - 1)}`],
      // Zero-filled tail: the size reached the disk, the data after the first record did not.
      [
        seg(3, 'spans'),
        Buffer.concat([Buffer.from(`${L.zeroed.spans[0]}\n`), Buffer.alloc(Buffer.byteLength(`${L.zeroed.spans[1]}\n${L.zeroed.spans[2]}\n`))]),
      ],
      // Complete records followed by zeros.
      [seg(4, 'spans'), Buffer.concat([Buffer.from(L.padded.spans.join('\n') + '\n'), Buffer.alloc(4096)])],
      // The last record's bytes are all there but its newline is not: the write never finished.
      [seg(5, 'spans'), L.unterminated.spans.join('\n')],
      // Created, nothing written.
      [seg(6, 'spans'), ''],
      // A zero-filled block inside the file: the second record's bytes never reached the disk,
      // the records after it did.
      [
        seg(7, 'spans'),
        Buffer.concat([
          Buffer.from(`${L.holed.spans[0]}\n`),
          Buffer.alloc(Buffer.byteLength(L.holed.spans[1])),
          Buffer.from(`\n${L.holed.spans[2]}\n${L.holed.spans[3]}\n`),
        ]),
      ],
    ];
    mkdirSync(journalDir, { recursive: true });
    for (const [name, data] of files) writeFileSync(join(journalDir, name), data);

    const { pipeline, logs } = await start(dataDir, journalDir);
    expect(await pipeline.recover()).toBe(6);
    expect(readdirSync(journalDir)).toEqual([]);

    const kept = {
      spans: [...whole, ...cut.slice(0, 2), zeroed[0], ...padded, ...unterminated.slice(0, 2), holed[0], holed[2], holed[3]],
      scores: [...wholeScores, cutScores[0]],
    };
    const dropped = { spans: [cut[2], zeroed[1], zeroed[2], unterminated[2], holed[1]], scores: [cutScores[1]] };
    const s = store!;
    expect(await s.findStored({ spans: kept.spans, scores: kept.scores, logs: [] })).toEqual({
      spans: kept.spans.map(() => true),
      scores: kept.scores.map(() => true),
      logs: [],
    });
    expect(await s.findStored({ spans: dropped.spans, scores: dropped.scores, logs: [] })).toEqual({
      spans: dropped.spans.map(() => false),
      scores: dropped.scores.map(() => false),
      logs: [],
    });
    // Nothing else was loaded, and what was loaded is the record that was written.
    expect((await s.listSpans(P, {}, { limit: 100, offset: 0 })).total).toBe(kept.spans.length);
    for (const span of kept.spans) {
      expect(await s.getSpan(P, span.spanId)).toMatchObject({ traceId: span.traceId, name: span.name, startUs: span.startUs, usage: span.usage });
    }

    const torn = logs.filter((l) => l.event === 'journal_torn');
    expect(torn).toHaveLength(1);
    expect(torn[0]).toMatchObject({
      level: 40,
      records: kept.spans.length + kept.scores.length,
      tornFiles: [seg(2, 'scores'), seg(2, 'spans'), seg(3, 'spans'), seg(4, 'spans'), seg(5, 'spans'), seg(6, 'spans'), seg(7, 'spans')],
      // One incomplete or zeroed line in each torn file but the empty one.
      droppedLines: 6,
      droppedBytes:
        40 +
        (L.cut.scores[1].length - 1) +
        Buffer.byteLength(`${L.zeroed.spans[1]}\n${L.zeroed.spans[2]}\n`) +
        4096 +
        Buffer.byteLength(L.unterminated.spans[2]) +
        Buffer.byteLength(`${L.holed.spans[1]}\n`),
    });
    expect(logs.filter((l) => l.event === 'journal_recovered')).toMatchObject([{ segments: 6 }]);

    // A client whose request was cut short retries it; what was acknowledged is a duplicate.
    const retry = await pipeline.submit({ spans: [{ ...unterminated[2] }, { ...whole[0] }], scores: [], logs: [] }, 'test');
    expect(retry.spans).toEqual(['accepted', 'duplicate']);
    await pipeline.drain();
    await s.close();
    store = undefined;

    // The next start finds a clean journal and the same rows.
    const again = await start(dataDir, journalDir);
    expect(await again.pipeline.recover()).toBe(0);
    expect(again.logs.filter((l) => l.event === 'journal_torn')).toEqual([]);
    expect((await store!.listSpans(P, {}, { limit: 100, offset: 0 })).total).toBe(kept.spans.length + 1);
    await again.pipeline.drain();
  });
});
