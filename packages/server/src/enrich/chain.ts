import type { LogRecord, ScoreRecord } from '../domain/score.ts';
import type { SpanRecord } from '../domain/span.ts';

// Ingest is one chain of processors run once per record before it is journaled, as
// OpenTelemetry's span processors are: redact -> price -> attribute -> detect -> capture policy.
// Every path (native API, OTLP traces and logs, the gateway, the SDK) submits to the pipeline,
// which runs the chain; the journal, the store, the rollups and the budgets all see the record as
// the chain left it. A processor changes records in place and may add derived records (security
// events) to `derived`; it never throws for a record's content (what it cannot handle it drops,
// and says so on the record).

export interface ChainBatch {
  spans: SpanRecord[];
  scores: ScoreRecord[];
  logs: LogRecord[];
  // The path that submitted the batch (IngestPipeline.submit's `source`: 'api', 'otlp', 'gateway',
  // 'judge'), for the processors whose rules depend on who speaks; absent counts as a client.
  source?: string;
}

// A record the chain made from another (a security event about a span, an evaluator's score of a
// call): it is journaled with its parent and stands or falls with it — a parent that is a
// duplicate (a retry) brings no new records.
export type DerivedParent = { kind: 'span'; record: SpanRecord } | { kind: 'score'; record: ScoreRecord } | { kind: 'log'; record: LogRecord };
export type Derived = { log: LogRecord; score?: undefined; parent: DerivedParent } | { score: ScoreRecord; log?: undefined; parent: DerivedParent };

export interface Processor {
  readonly name: string;
  process(batch: ChainBatch, derived: Derived[]): void;
  // Forgets what it remembers of a deleted project's records (trace roots, recent traces).
  forgetProject?(projectId: string): void;
}

export class ProcessorChain {
  readonly processors: readonly Processor[];

  constructor(processors: Processor[]) {
    this.processors = processors;
  }

  // The records derived from the batch (security events), to be journaled with it.
  run(batch: ChainBatch): Derived[] {
    const derived: Derived[] = [];
    for (const p of this.processors) p.process(batch, derived);
    return derived;
  }

  forgetProject(projectId: string): void {
    for (const p of this.processors) p.forgetProject?.(projectId);
  }
}
