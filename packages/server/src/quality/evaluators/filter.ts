import type { EvaluatorFilter } from '../../domain/quality.ts';
import type { SpanRecord } from '../../domain/span.ts';

// Whether an evaluator's filter selects a call: every field given must match (the model as
// requested or as answered, since providers answer with a dated version of what was asked).
// Run on every call at ingest: no allocation on the way.

function failingField(filter: EvaluatorFilter, span: SpanRecord): keyof EvaluatorFilter | null {
  if (filter.feature !== undefined && span.attribution.feature !== filter.feature) return 'feature';
  if (filter.application !== undefined && span.attribution.application !== filter.application) return 'application';
  if (filter.model !== undefined && span.requestModel !== filter.model && span.responseModel !== filter.model) return 'model';
  return null;
}

export function filterSelects(filter: EvaluatorFilter, span: SpanRecord): boolean {
  return failingField(filter, span) === null;
}

// Why the filter leaves the call out ("try on this trace"); null when it selects it.
export function filterMismatch(filter: EvaluatorFilter, span: SpanRecord): string | null {
  const field = failingField(filter, span);
  if (field === null) return null;
  const actual = field === 'model' ? (span.responseModel ?? span.requestModel) : span.attribution[field];
  return `the filter selects ${field} '${filter[field]}'; this call's is ${actual === null ? 'not set' : `'${actual}'`}`;
}
