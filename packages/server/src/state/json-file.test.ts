import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { first, RecordingFs, settle } from '../testing/recording-fs.ts';
import { JsonFile } from './json-file.ts';

// A state file (alert state, silences, budgets) is replaced atomically and durably: the new
// document's data is fsynced before the rename publishes it, and the rename itself is fsynced
// (the directory) before the write resolves.

const NAME = 'state.json';
const TMP = 'state.json.tmp';

async function setup(): Promise<{ fs: RecordingFs; file: JsonFile<{ v: number }>; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'lookout-json-file-'));
  const fs = new RecordingFs(dir);
  const path = join(dir, NAME);
  const file = new JsonFile<{ v: number }>(path, fs);
  await file.write({ v: 1 });
  fs.log.length = 0;
  return { fs, file, path };
}

describe('JsonFile fsync order', () => {
  it('renames only after the temporary file is fsynced, and resolves only after the directory is fsynced', async () => {
    const { fs, file, path } = await setup();
    const fileSync = fs.hold('sync', TMP);
    const dirSync = fs.hold('sync', 'dir');
    const written = file.write({ v: 2 }).then(() => fs.log.push('resolved'));

    expect(await first({ written, fileSync: fileSync.reached, dirSync: dirSync.reached })).toBe('fileSync');
    await settle();
    expect(fs.log).toEqual([`write ${TMP}`]);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ v: 1 });

    fileSync.release();
    expect(await first({ written, dirSync: dirSync.reached })).toBe('dirSync');
    await settle();
    expect(fs.log).toEqual([`write ${TMP}`, `sync ${TMP}`, `rename ${TMP} -> ${NAME}`]);

    dirSync.release();
    await written;
    expect(fs.log).toEqual([`write ${TMP}`, `sync ${TMP}`, `rename ${TMP} -> ${NAME}`, 'sync dir', 'resolved']);
    expect(await file.read({ v: 0 })).toEqual({ v: 2 });
  });

  it('fails the write and keeps the old document when the file fsync fails', async () => {
    const { fs, file } = await setup();
    fs.fail('sync', TMP, Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    await expect(file.write({ v: 2 })).rejects.toThrow('EIO');
    expect(fs.log).toEqual([`write ${TMP}`, `sync ${TMP} failed`]);
    expect(await file.read({ v: 0 })).toEqual({ v: 1 });
  });

  it('fails the write when the directory fsync fails', async () => {
    const { fs, file } = await setup();
    fs.fail('sync', 'dir', Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
    await expect(file.write({ v: 2 })).rejects.toThrow('EIO');
    expect(fs.log).toEqual([`write ${TMP}`, `sync ${TMP}`, `rename ${TMP} -> ${NAME}`, 'sync dir failed']);
  });
});
