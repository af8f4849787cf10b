import { emptyUsage, type SpanKind, type Usage } from '../../../domain/span.ts';
import { normalizeUsage } from '../../../domain/usage.ts';
import type { UsageReport } from './types.ts';

// Turns a convention's reported token counts into the non-overlapping buckets of the record.
//
// The one rule: a token is never charged twice. Where a convention (or one of its emitters) is
// known to report input without cached tokens, it says so (inputIncludesCache: false). Where its
// emitters disagree it says 'auto' and the numbers decide:
//   - cache read + cache write > input: input cannot contain them, so it excludes them;
//   - a reported total equal to input + output + cache (and not to input + output): excludes;
//   - otherwise input is taken to include them. When the truth is "excludes" this under-counts
//     input by the cached amount, but it can never count a cached token twice.
// The impossible case overrides even a declared "includes" (an inconsistent emitter).
// Reasoning inside output follows the same rules.

export interface ResolvedUsage {
  usage: Usage;
  metadata: Record<string, string>;
}

const OTLP_SPAN_KIND_CLIENT = 3;

// Only model calls are charged. Agent, chain and tool spans that carry token counts report the sum
// of their children (AI SDK generateText, in-process agents): charging them would double-count.
// A CLIENT agent span is a call to a remote agent service whose model calls no child span reports.
export function usageIsCharged(kind: SpanKind, otlpSpanKind: number): boolean {
  if (kind === 'generation' || kind === 'embedding') return true;
  return kind === 'agent' && otlpSpanKind === OTLP_SPAN_KIND_CLIENT;
}

type Semantics = 'inclusive' | 'exclusive' | 'inclusive:assumed' | 'exclusive:inferred';

function inputSemantics(r: UsageReport): Semantics {
  const cached = (r.cacheRead ?? 0) + (r.cacheWrite ?? 0);
  const input = r.input ?? 0;
  if (r.inputIncludesCache === false) return 'exclusive';
  if (cached > 0 && input < cached) return 'exclusive:inferred';
  if (r.inputIncludesCache === true) return 'inclusive';
  if (cached > 0 && r.total !== undefined && r.output !== undefined) {
    const exclusiveSum = input + r.output + cached;
    if (r.total === exclusiveSum && r.total !== input + r.output) return 'exclusive:inferred';
  }
  return 'inclusive:assumed';
}

function outputSemantics(r: UsageReport): Semantics {
  const reasoning = r.reasoning ?? 0;
  const output = r.output ?? 0;
  if (r.outputIncludesReasoning === false) return 'exclusive';
  if (reasoning > 0 && output < reasoning) return 'exclusive:inferred';
  if (r.outputIncludesReasoning === true) return 'inclusive';
  return 'inclusive:assumed';
}

export function resolveUsage(report: UsageReport | undefined, kind: SpanKind, otlpSpanKind: number): ResolvedUsage {
  const metadata: Record<string, string> = {};
  if (report === undefined) return { usage: emptyUsage(), metadata };
  metadata['lookout.usage.source'] = report.source;

  if (!usageIsCharged(kind, otlpSpanKind)) {
    metadata['lookout.usage.not_charged'] = `${kind} span: its tokens are the sum of its children`;
    for (const bucket of ['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning', 'audio', 'total'] as const) {
      const n = report[bucket];
      if (n !== undefined) metadata[`lookout.usage.reported.${bucket}`] = String(n);
    }
    return { usage: emptyUsage(), metadata };
  }

  let input = report.input;
  // Embedding APIs report one number; AI SDK calls it `tokens`, others `total`.
  if (kind === 'embedding' && input === undefined && report.total !== undefined) input = report.total;
  if (input === undefined && report.output === undefined && report.total !== undefined) {
    // A total alone cannot be split into priced buckets; keep it visible rather than guess.
    metadata['lookout.usage.reported.total'] = String(report.total);
  }

  const inSem = inputSemantics({ ...report, input });
  const outSem = outputSemantics(report);
  if ((report.cacheRead ?? 0) + (report.cacheWrite ?? 0) + (report.audio ?? 0) > 0) {
    metadata['lookout.usage.input_semantics'] = inSem;
  }
  if ((report.reasoning ?? 0) > 0) metadata['lookout.usage.output_semantics'] = outSem;

  const usage = normalizeUsage(
    {
      input,
      output: report.output,
      cacheRead: report.cacheRead,
      cacheWrite: report.cacheWrite,
      reasoning: report.reasoning,
      audio: report.audio,
      inputIncludesCache: inSem.startsWith('inclusive'),
      outputIncludesReasoning: outSem.startsWith('inclusive'),
    },
    null,
  );
  return { usage, metadata };
}
