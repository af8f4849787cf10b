import type { Usage } from './span.ts';

// Token counts as a client reports them. Providers disagree on what "input" means:
// OpenAI (and the OpenAI-compatible APIs, Gemini, Bedrock's Converse totals) count cached
// prompt tokens inside prompt_tokens; Anthropic reports input_tokens without cache reads and
// cache writes. Likewise OpenAI's completion_tokens include reasoning tokens.
export interface ReportedUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  audio?: number;
  // Whether `input` already contains cacheRead + cacheWrite (+ audio). Defaults by provider.
  inputIncludesCache?: boolean;
  // Whether `output` already contains `reasoning`. Defaults by provider.
  outputIncludesReasoning?: boolean;
}

// Providers whose input count excludes cached tokens. Everything else is treated like OpenAI.
const INPUT_EXCLUDES_CACHE = new Set(['anthropic']);

export function inputIncludesCacheByDefault(provider: string | null): boolean {
  return !INPUT_EXCLUDES_CACHE.has((provider ?? '').toLowerCase());
}

// OpenAI counts reasoning inside completion_tokens; Anthropic reports thinking inside
// output_tokens too. A convention that reports them apart says so explicitly.
export function outputIncludesReasoningByDefault(_provider: string | null): boolean {
  return true;
}

// Splits reported counts into non-overlapping buckets so nothing is charged twice.
// When an overlapping total is smaller than its parts (inconsistent client data), the
// remainder is clamped at 0 rather than going negative.
export function normalizeUsage(reported: ReportedUsage, provider: string | null): Usage {
  const cacheRead = reported.cacheRead ?? 0;
  const cacheWrite = reported.cacheWrite ?? 0;
  const audio = reported.audio ?? 0;
  const reasoning = reported.reasoning ?? 0;
  const includesCache = reported.inputIncludesCache ?? inputIncludesCacheByDefault(provider);
  const includesReasoning = reported.outputIncludesReasoning ?? outputIncludesReasoningByDefault(provider);
  const rawInput = reported.input ?? 0;
  const rawOutput = reported.output ?? 0;
  const input = includesCache ? Math.max(0, rawInput - cacheRead - cacheWrite - audio) : rawInput;
  const output = includesReasoning ? Math.max(0, rawOutput - reasoning) : rawOutput;
  return { input, output, cacheRead, cacheWrite, reasoning, audio };
}
