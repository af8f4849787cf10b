import type { SpanRecord } from '../domain/span.ts';
import type { LogRecord, ScoreRecord } from '../domain/score.ts';

// Events in: spans, scores and logs, written directly or bulk-loaded from the ingest journal,
// each stored once however often it is sent.

export interface WriteBatch {
  spans: SpanRecord[];
  scores: ScoreRecord[];
  logs: LogRecord[];
}

export type ItemOutcome = 'accepted' | 'duplicate';

export interface WriteResult {
  spans: ItemOutcome[];
  scores: ItemOutcome[];
  logs: ItemOutcome[];
}

// Rows encoded in a store's bulk-load format (newline-delimited JSON, one text per table), as
// the ingest journal keeps them on disk until they are loaded.
export interface EncodedBatch {
  spans: string;
  scores: string;
  logs: string;
  // Earliest and latest span start in the batch (µs), so a load can bound its duplicate check.
  spanWindowUs: [number, number] | null;
}

export interface LoadFiles {
  spans: string[];
  scores: string[];
  logs: string[];
}

export interface StoredFlags {
  spans: boolean[];
  scores: boolean[];
  logs: boolean[];
}

export interface EventStore {
  // Other nodes write to this store too: what this node has seen says nothing of what is stored.
  readonly sharedWriters: boolean;
  // Resolves only once every record of the batch is committed durably.
  write(batch: WriteBatch): Promise<WriteResult>;
  // The bulk-load path the ingest journal uses: which records are stored already (read-only),
  // the load format, and one transaction that loads files of that format. Loading skips rows
  // that are stored already, so loading the same files twice (a replay after a crash) is harmless.
  findStored(batch: WriteBatch): Promise<StoredFlags>;
  // The latest span start time stored in any project (µs), or null when there is none.
  latestSpanStartUs(): Promise<number | null>;
  encode(batch: WriteBatch, ingestedAtUs: number): EncodedBatch;
  // `replay`: the files may repeat rows among themselves (a crash replay), so de-duplicate them
  // too; the acknowledgement path never journals the same row twice, so live loads skip that.
  load(files: LoadFiles, spanWindowUs: [number, number] | null, options?: { replay?: boolean }): Promise<void>;
}
