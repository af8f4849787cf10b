import type { SpanRecord } from '../../domain/span.ts';
import type { LogRecord } from '../../domain/score.ts';
import { attachGenAiEvent, type MapOptions } from './conventions/index.ts';
import type { Attributes, OtlpLogRecord } from './types.ts';

// A3: GenAI events (prompt and completion messages, inference details) arrive as OTLP log
// records, often in another export than their span. They are stored as logs, and attached to
// their span whenever the span is read, so the span shows its content whichever came first.

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// The stored log back into the decoded OTLP shape the convention code reads.
function asOtlpLog(log: LogRecord): OtlpLogRecord {
  const attributes: Attributes = {};
  for (const [k, v] of Object.entries(log.attributes)) attributes[k] = v;
  const time = String(BigInt(Math.trunc(log.timestampUs)) * 1000n);
  return {
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber: 0,
    severityText: log.severity,
    body: log.body === '' ? null : (parsed(log.body) as OtlpLogRecord['body']),
    attributes,
    eventName: log.attributes['event.name'] ?? '',
    traceId: log.traceId,
    spanId: log.spanId,
    resource: { attributes: {} },
    scope: { name: '', version: '', attributes: {} },
  };
}

function isGenAiLog(log: LogRecord): boolean {
  return (log.attributes['event.name'] ?? '').startsWith('gen_ai.') && log.spanId !== null;
}

export function withGenAiEvents(spans: SpanRecord[], logs: LogRecord[], options: MapOptions): SpanRecord[] {
  const events = logs.filter(isGenAiLog).sort((a, b) => a.timestampUs - b.timestampUs);
  if (!events.length) return spans;
  return spans.map((span) => {
    let out = span;
    for (const e of events) if (e.spanId === span.spanId) out = attachGenAiEvent(out, asOtlpLog(e), options);
    return out;
  });
}
