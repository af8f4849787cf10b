// An OTLP trace export from its bytes to the records the pipeline takes: decoded, then mapped
// through the conventions, with the evaluation events and OpenInference feedback as scores.
// Pure and self-contained (no context, no I/O), so that it runs in an ingest worker thread as
// well as on the main thread; what it returns survives a structured clone unchanged.
import type { ScoreRecord } from '../../domain/score.ts';
import type { SpanRecord } from '../../domain/span.ts';
import { mapOtlpSpan, type MapOptions } from './conventions/index.ts';
import { spanEvaluations } from './conventions/evaluation.ts';
import { openInferenceFeedbackScores } from './conventions/openinference-feedback.ts';
import { decodeTraces, type OtlpEncoding, type Rejected } from './decode.ts';
import { OtlpDecodeError, type FieldViolation } from './errors.ts';

export interface TracesTaskArgs {
  encoding: OtlpEncoding;
  projectId: string;
  // The project's capture mode when the request arrived (ContentPolicy.captures).
  captureContent: boolean;
  // An export with more spans is refused whole (ingest.maxBatchItems): nothing is mapped.
  maxSpans: number;
}

export interface MappedTraces {
  decoded: number; // spans decoded, those rejected alone not counted
  rejected: Rejected; // what decoding rejected
  spans: SpanRecord[]; // empty when decoded > maxSpans
  scores: ScoreRecord[];
  warnings: string[]; // malformed evaluation events or feedback: warnings, rejected stays 0
  withheld: number; // attributes withheld below `full` capture, over all spans
}

// A body that is not an export request at all travels as data: an error's class does not
// survive the thread boundary.
export type TracesOutcome =
  | { traces: MappedTraces }
  | { undecodable: { message: string; violations: FieldViolation[]; code: 'invalid_request' | 'invalid_json' } };

export function decodeAndMapTraces(body: Buffer, args: TracesTaskArgs): TracesOutcome {
  let decoded;
  try {
    decoded = decodeTraces(body, args.encoding);
  } catch (e) {
    if (!(e instanceof OtlpDecodeError)) throw e;
    return { undecodable: { message: e.message, violations: e.violations, code: e.code === 'invalid_json' ? 'invalid_json' : 'invalid_request' } };
  }
  const { spans } = decoded;
  const base = { decoded: spans.length, rejected: decoded.rejected };
  if (spans.length > args.maxSpans) return { traces: { ...base, spans: [], scores: [], warnings: [], withheld: 0 } };
  let withheld = 0;
  const options: MapOptions = { captureContent: args.captureContent, onWithheld: (n) => (withheld += n) };
  const events = spanEvaluations(spans, args.projectId);
  const feedback = openInferenceFeedbackScores(spans, args.projectId);
  const records = spans.map((s) => mapOtlpSpan(s, args.projectId, options));
  return { traces: { ...base, spans: records, scores: [...events.scores, ...feedback.scores], warnings: [...events.warnings, ...feedback.warnings], withheld } };
}

// The mapped export, or the 400 of an undecodable body.
export function tracesOf(outcome: TracesOutcome): MappedTraces {
  if ('undecodable' in outcome) throw new OtlpDecodeError(outcome.undecodable.message, outcome.undecodable.violations, outcome.undecodable.code);
  return outcome.traces;
}
