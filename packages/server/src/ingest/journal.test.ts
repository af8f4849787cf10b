import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Pricer } from '../enrich/pricing/index.ts';
import { LookoutMetrics } from '../metrics/registry.ts';
import { LookoutError } from '../errors.ts';
import { DuckDbStore } from '../store/duckdb/store.ts';
import { projectId } from '../store/store.ts';
import { makeSpan } from '../testing/fixtures.ts';
import { first, RecordingFs, settle } from '../testing/recording-fs.ts';
import { Journal } from './journal.ts';
import { IngestPipeline } from './pipeline.ts';

// A 2xx from ingest promises the rows survive power loss: the segment file's data and its
// directory entry are fsynced before any request of the group is answered.

const P = projectId('default');
const SEGMENT = '000000000001.spans.ndjson';
let store: DuckDbStore | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function setup(): Promise<{ fs: RecordingFs; pipeline: IngestPipeline }> {
  store = await DuckDbStore.open(null);
  const dir = mkdtempSync(join(tmpdir(), 'lookout-journal-fsync-'));
  const fs = new RecordingFs(dir);
  const journal = await Journal.open(dir, fs);
  const pipeline = new IngestPipeline(
    { store, journal, pricer: new Pricer(), metrics: new LookoutMetrics({ defaultMetrics: false }), logger: pino({ level: 'silent' }) },
    { maxQueueRows: 1_000, maxWriteBatchRows: 100 },
  );
  return { fs, pipeline };
}

describe('journal fsync before acknowledgement', () => {
  it('acknowledges only after the segment is datasynced and then the journal directory is fsynced', async () => {
    const { fs, pipeline } = await setup();
    const datasync = fs.hold('datasync', SEGMENT);
    const dirSync = fs.hold('sync', 'dir');
    const ack = pipeline.submit({ spans: [makeSpan()], scores: [], logs: [] }, 'test').then((r) => {
      fs.log.push('ack');
      return r;
    });

    expect(await first({ ack, datasync: datasync.reached, dirSync: dirSync.reached })).toBe('datasync');
    await settle();
    expect(fs.log).toEqual([`write ${SEGMENT}`]);

    datasync.release();
    expect(await first({ ack, dirSync: dirSync.reached })).toBe('dirSync');
    await settle();
    expect(fs.log).toEqual([`write ${SEGMENT}`, `datasync ${SEGMENT}`]);

    dirSync.release();
    expect((await ack).spans).toEqual(['accepted']);
    expect(fs.log).toEqual([`write ${SEGMENT}`, `datasync ${SEGMENT}`, 'sync dir', 'ack']);
    await pipeline.drain();
  });

  it.each([
    ['the segment datasync', 'datasync', SEGMENT],
    ['the journal directory fsync', 'sync', 'dir'],
  ] as const)('answers 503 and acknowledges nothing when %s fails', async (_what, op, name) => {
    const { fs, pipeline } = await setup();
    fs.fail(op, name, Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    const span = makeSpan();
    const err = await pipeline.submit({ spans: [span], scores: [], logs: [] }, 'test').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LookoutError);
    expect(err).toMatchObject({ status: 503, code: 'store_unavailable' });
    expect(fs.log).toContain(`${op} ${name} failed`);
    await pipeline.drain();
    expect(await store!.getSpan(P, span.spanId)).toBeNull();
  });
});
