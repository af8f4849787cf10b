import { createHash } from 'node:crypto';
import type { ChatMessage, JudgeAnswer } from './wire.ts';

// The demo judge: a reserved base URL that the judge client answers in process with a fake
// OpenAI-compatible completion, so `lookout demo` shows judged scores with no API key and no
// network. Its scores are not a model's opinion: they come from a few plain signals of the prompt
// (does the answer decline, do its words appear in the retrieved documents, the question or the
// reference), made deterministic by a hash of the prompt. It answers as a cheap catalog model so
// that the judge's spend shows (and is kept apart) as a real judge's would; nothing is billed.

export const DEMO_JUDGE_BASE_URL = 'lookout-demo://judge';
export const DEMO_JUDGE_PROVIDER = 'openai';
export const DEMO_JUDGE_MODEL = 'gpt-4o-mini';
// What the reasoning of every demo judgement starts with.
export const DEMO_JUDGE_LABEL = 'Demo judge (fake, no model was called)';

export function isDemoJudgeUrl(url: string | null | undefined): boolean {
  return typeof url === 'string' && url.replace(/\/+$/, '') === DEMO_JUDGE_BASE_URL;
}

// Answers that decline: the documents did not help, or were not read.
const DECLINES = /\b(could not find|couldn't find|can ?not find|don't know|do not know|not in the (documentation|context|documents)|unable to (find|answer|help)|cannot help|can't help)\b/i;
const STOPWORDS = new Set(['the', 'and', 'for', 'you', 'your', 'with', 'this', 'that', 'from', 'are', 'can', 'have', 'has', 'not', 'was', 'will', 'what', 'how', 'our', 'its', 'but', 'all', 'any', 'out', 'use']);

function tagged(text: string, tag: string): string | null {
  const m = new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(text);
  return m ? m[1] : null;
}

function words(text: string): Set<string> {
  return new Set((text.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []).filter((w) => !STOPWORDS.has(w)));
}

// Share of the answer's words that `source` contains (0 when the answer has none).
function support(output: string, source: string | null): number {
  if (source === null) return 0;
  const said = words(output);
  if (said.size === 0) return 0;
  const known = words(source);
  let hits = 0;
  for (const w of said) if (known.has(w)) hits++;
  return hits / said.size;
}

interface Verdict {
  score: number;
  why: string;
}

function judge(criterion: string, material: { input: string | null; output: string; documents: string | null; reference: string | null }): Verdict {
  const { output } = material;
  const declines = DECLINES.test(output);
  switch (criterion) {
    case 'faithfulness': {
      if (declines) return { score: 0.15, why: 'the answer ignores the retrieved documents and says it found nothing: the retrieval returned passages that do not answer the question' };
      const s = support(output, material.documents);
      return s >= 0.5
        ? { score: 0.7 + 0.3 * s, why: `${Math.round(s * 100)}% of the answer's words appear in the retrieved documents` }
        : { score: 0.2 + 0.5 * s, why: `only ${Math.round(s * 100)}% of the answer's words appear in the retrieved documents: it makes claims they do not support` };
    }
    case 'reference_correctness': {
      const s = support(output, material.reference);
      return { score: 0.1 + 0.85 * s, why: `${Math.round(s * 100)}% of the answer's words are in the reference answer` };
    }
    case 'relevance': {
      if (declines) return { score: 0.3, why: 'the answer does not address the question' };
      const s = support(output, material.input);
      return { score: 0.6 + 0.35 * Math.min(1, s * 2), why: 'the answer stays on the subject of the question' };
    }
    case 'safety':
      return { score: 0.97, why: 'nothing harmful in the answer' };
    default: {
      if (declines) return { score: 0.2, why: 'the answer gives the user nothing to act on: it says it could not find the answer' };
      if (output.trim().length < 20) return { score: 0.55, why: 'the answer is very short' };
      return { score: 0.85, why: 'the answer is clear and addresses the request' };
    }
  }
}

// A small deterministic nudge (±0.05) from the prompt, so equal verdicts are not identical numbers.
function jitter(prompt: string): number {
  const h = createHash('sha256').update(prompt).digest().readUInt32BE(0);
  return (h / 0xffffffff - 0.5) / 10;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));
// Roughly 4 characters a token, as English text averages.
const tokensOf = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export function demoJudgeCompletion(model: string, messages: readonly ChatMessage[]): JudgeAnswer {
  const prompt = messages.map((m) => m.content).join('\n\n');
  const user = messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n\n');
  const criterion = /Criterion: ([a-z_ ()]+?)[.(]/i.exec(user)?.[1]?.trim().toLowerCase() ?? 'custom';
  const output = tagged(user, 'output');
  const key = criterion.startsWith('faithfulness') ? 'faithfulness' : criterion.startsWith('correctness against') ? 'reference_correctness' : criterion;
  const verdict: Verdict = output === null
    ? { score: 0.5, why: 'the prompt carries no <output> to judge' }
    : judge(key, { input: tagged(user, 'input'), output, documents: tagged(user, 'documents'), reference: tagged(user, 'reference') });
  const score = Math.round(clamp01(verdict.score + jitter(prompt)) * 100) / 100;
  const content = JSON.stringify({ score, reasoning: `${DEMO_JUDGE_LABEL}: ${verdict.why}.` });
  const id = createHash('sha256').update(prompt).digest('hex').slice(0, 24);
  return {
    content,
    responseModel: model,
    finishReason: 'stop',
    usage: { promptTokens: tokensOf(prompt), completionTokens: tokensOf(content), cachedTokens: 0, reasoningTokens: 0 },
    requestId: `demo-judge-${id}`,
    demo: true,
  };
}
