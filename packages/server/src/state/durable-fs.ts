import { type FileHandle, open, rename } from 'node:fs/promises';

// The file operations whose order makes a write durable (write, fsync, rename, directory fsync).
// Production code uses node:fs directly; tests pass a wrapper that records or holds each call,
// because a killed process keeps the page cache and cannot show a missing fsync.

export type DurableFileHandle = Pick<FileHandle, 'writeFile' | 'datasync' | 'sync' | 'chmod' | 'close'>;

export interface DurableFs {
  open(path: string, flags: string, mode?: number): Promise<DurableFileHandle>;
  rename(oldPath: string, newPath: string): Promise<void>;
}

export const nodeDurableFs: DurableFs = { open, rename };
