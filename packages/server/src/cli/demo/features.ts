import { createHash } from 'node:crypto';
import { addSpan, BASE_ERROR_RATE, callWithRetry, finishReasonFor, messages, openAiCached, tokens, userMessage, type CallPlan, type TraceContext } from './calls.ts';
import { DEMO_MODELS, QUESTIONS, RETRIEVAL_INDEXES, type FeatureName } from './model.ts';

// The five features of the traffic model, one trace each: which spans and calls a request makes,
// and the scores its answer gets. `forced` plants a PII leak or an injection attempt.

function supportChat(t: TraceContext, t0: number, forced: 'pii' | 'injection' | null): number {
  const { rng } = t;
  const root = t.ids.hex(16);
  const question = userMessage(t, forced);
  const large = rng.chance(0.2);
  const spec = large ? DEMO_MODELS.chatLarge : DEMO_MODELS.chatSmall;
  const input = tokens(rng, 950, 0.6, 120, 12_000);
  const needsTool = question.includes('order') && rng.chance(0.7);
  let cursor = t0 + rng.int(2, 15);
  const first = callWithRetry(t, root, cursor, {
    spec,
    input,
    output: tokens(rng, needsTool ? 40 : 190, 0.5, 5, 2_000),
    cacheRead: openAiCached(rng, input, 0.55),
    stream: !needsTool && rng.chance(0.85),
    messages: messages('support-chat', question),
    answer: needsTool ? '{"tool":"lookup_order","arguments":{"order_id":"A-1042"}}' : 'Thanks for reaching out! Here is what I found…',
    finishReason: needsTool ? finishReasonFor(spec, 'tool') : undefined,
  }, BASE_ERROR_RATE);
  cursor = first.endMs;
  if (needsTool && first.error === null) {
    const toolMs = rng.logNormal(140, 0.5);
    addSpan(t, { kind: 'tool', name: 'tool lookup_order', parent: root, startMs: cursor + 2, durationMs: toolMs }, {
      metadata: { 'tool.name': 'lookup_order', 'tool.arguments': '{"order_id":"A-1042"}', 'tool.status': 'found' },
    });
    cursor += toolMs + 4;
    const second = callWithRetry(t, root, cursor, {
      spec,
      input: input + 180,
      output: tokens(rng, 160, 0.4, 20, 1_500),
      cacheRead: openAiCached(rng, input + 180, 0.8),
      stream: true,
      messages: messages('support-chat', `${question}\n[tool lookup_order] shipped, arriving Thursday`),
      answer: 'Your order A-1042 shipped yesterday and should arrive on Thursday.',
    }, BASE_ERROR_RATE);
    cursor = second.endMs;
  }
  addSpan(t, { kind: 'agent', name: 'support-chat.turn', parent: null, startMs: t0, durationMs: cursor - t0 + 3, spanId: root });
  return cursor;
}

// What a retrieval returns: the passage that answers the usual question first, or, from the
// truncated embeddings of the dip, passages about something else (the judge's faithfulness sees it).
const ANSWERING_PASSAGE = '[kb-articles#12] Rotate an API key: open Settings → API keys, choose the key and select Rotate. According to the key policy the old key keeps working for 24 hours.';
const OFF_TOPIC_PASSAGES = [
  'Release notes 2.3: dark mode, faster CSV exports and a new billing page.',
  'Office hours: the support team answers from 9:00 to 17:00 CET on weekdays.',
  'Glossary: a workspace groups projects, members and invoices.',
] as const;

function retrievedPassages(index: string, seed: number, results: number, truncated: boolean): string {
  return Array.from({ length: results }, (_, i) => {
    const id = `[${index}#${(i * 37 + seed) % 500}]`;
    if (truncated) return `${id} ${OFF_TOPIC_PASSAGES[(i + seed) % OFF_TOPIC_PASSAGES.length]}`;
    return i === 0 ? ANSWERING_PASSAGE : `${id} Related: managing members and roles in Settings.`;
  }).join('\n');
}

export function docSearch(t: TraceContext, t0: number, forced: 'pii' | 'injection' | null): number {
  const { rng } = t;
  const root = t.ids.hex(16);
  const question = userMessage(t, forced);
  const index = rng.pick(RETRIEVAL_INDEXES);
  // The seed 004 war story: truncated embeddings still "work" but retrieve the wrong passages.
  const truncated = t.inDip && rng.chance(0.85);
  const topScore = truncated ? Math.max(0.05, Math.min(0.7, rng.logNormal(0.38, 0.25))) : Math.max(0.4, Math.min(0.99, 1 - rng.logNormal(0.16, 0.4)));
  const results = rng.int(3, 8);
  const retrievalStart = t0 + rng.int(1, 6);
  const embedMs = rng.logNormal(70, 0.35);
  const searchMs = rng.logNormal(45, 0.4);
  const retrieval = t.ids.hex(16);
  const passages = retrievedPassages(index, question.length, results, truncated);
  const embedInput = tokens(rng, 24, 0.4, 4, 200);
  addSpan(t, { kind: 'embedding', name: `embeddings ${DEMO_MODELS.embedding.model}`, parent: retrieval, startMs: retrievalStart + 1, durationMs: embedMs }, {
    provider: DEMO_MODELS.embedding.provider,
    model: DEMO_MODELS.embedding.model,
    usage: { input: embedInput },
    metadata: {
      'embedding.dimensions': truncated ? 512 : 1536,
      'embedding.num_inputs': 1,
      'embedding.truncated': truncated,
      'embedding.batch_size': truncated ? 8 : 64,
    },
  });
  const retrievalMs = embedMs + searchMs + 3;
  addSpan(t, { kind: 'retrieval', name: 'retrieval.search', parent: root, startMs: retrievalStart, durationMs: retrievalMs, spanId: retrieval }, {
    metadata: {
      'retrieval.index': index,
      'retrieval.query': question.slice(0, 500),
      'retrieval.num_results': results,
      'retrieval.top_score': Math.round(topScore * 1000) / 1000,
    },
    output: passages,
  });
  let cursor = retrievalStart + retrievalMs + 2;
  const context = passages;
  // Anthropic prompt caching on the long system prompt + policy preamble.
  const cacheWrite = rng.chance(0.15) ? 2_048 : 0;
  const cacheRead = cacheWrite === 0 && rng.chance(0.7) ? 2_048 : 0;
  const answer = callWithRetry(t, root, cursor, {
    spec: DEMO_MODELS.sonnet,
    input: tokens(rng, 2_400, 0.45, 300, 30_000),
    output: tokens(rng, 340, 0.45, 20, 4_000),
    cacheRead,
    cacheWrite,
    stream: rng.chance(0.7),
    messages: messages('doc-search', question, context),
    answer: truncated ? 'I could not find this in the documentation.' : 'According to [kb-articles#12], you can rotate a key from Settings → API keys.',
    metadata: { 'retrieval.top_score': Math.round(topScore * 1000) / 1000 },
  }, BASE_ERROR_RATE);
  cursor = answer.endMs;
  if (answer.error === null && rng.chance(0.15)) {
    const toolMs = rng.logNormal(260, 0.4);
    addSpan(t, { kind: 'tool', name: 'tool create_ticket', parent: root, startMs: cursor + 2, durationMs: toolMs }, {
      metadata: { 'tool.name': 'create_ticket', 'tool.arguments': '{"priority":"normal"}', 'tool.status': 'created' },
    });
    cursor += toolMs + 2;
  }
  addSpan(t, { kind: 'chain', name: 'doc-search.answer', parent: null, startMs: t0, durationMs: cursor - t0 + 2, spanId: root });
  return cursor;
}

// Summarize keeps the summaries it wrote in a cache of its own, by document, for a day: a
// document someone had summarized before is answered from it without a model call. Each request
// looks the cache up first, in a `cache.get` span (cache.operation, cache.hit) that Lookout counts
// as an application cache hit or miss. Only the team's known documents can be in it (a pasted
// text never is), and about this share of their requests find their summary there.
export const SUMMARY_CACHE_HIT_RATE = 0.35;

function summarize(t: TraceContext, t0: number, forced: 'pii' | 'injection' | null): number {
  const { rng } = t;
  const root = t.ids.hex(16);
  const request = userMessage(t, forced);
  const cached = QUESTIONS.summarize.includes(request) && rng.chance(SUMMARY_CACHE_HIT_RATE);
  const lookupStart = t0 + rng.int(1, 4);
  const lookupMs = rng.logNormal(4, 0.5);
  addSpan(t, { kind: 'other', name: 'cache.get', parent: root, startMs: lookupStart, durationMs: lookupMs }, {
    metadata: { 'cache.operation': 'get', 'cache.hit': cached, 'cache.key': `summary:${createHash('sha256').update(request).digest('hex').slice(0, 16)}` },
  });
  if (cached) {
    const endMs = lookupStart + lookupMs + rng.int(1, 3);
    addSpan(t, { kind: 'chain', name: 'summarize.document', parent: null, startMs: t0, durationMs: endMs - t0 + 1, spanId: root });
    return endMs;
  }
  const cacheRead = rng.chance(0.4) ? 1_536 : 0;
  const cacheWrite = cacheRead === 0 && rng.chance(0.2) ? 1_536 : 0;
  const call = callWithRetry(t, root, lookupStart + lookupMs + rng.int(2, 10), {
    spec: DEMO_MODELS.haiku,
    input: tokens(rng, 5_500, 0.55, 400, 60_000),
    output: tokens(rng, 260, 0.35, 40, 1_500),
    cacheRead,
    cacheWrite,
    stream: rng.chance(0.4),
    messages: messages('summarize', request, 'Document: (transcript, 14 pages)'),
    answer: '- Customers want faster exports\n- Pricing page confuses SMB buyers\n- …\nNext: prioritise the export fix.',
  }, BASE_ERROR_RATE);
  addSpan(t, { kind: 'chain', name: 'summarize.document', parent: null, startMs: t0, durationMs: call.endMs - t0 + 2, spanId: root });
  return call.endMs;
}

function codeReview(t: TraceContext, t0: number, forced: 'pii' | 'injection' | null): number {
  const { rng } = t;
  const root = t.ids.hex(16);
  const request = userMessage(t, forced);
  // In the spike window some reviews are a runaway agent: the big model, the whole repository as
  // context, and a loop that keeps calling tests — the classic cost incident.
  const runaway = t.inSpike && rng.chance(0.35);
  const steps = runaway ? rng.int(3, 6) : rng.int(1, 3);
  let cursor = t0 + rng.int(2, 10);
  let context = runaway ? tokens(rng, 24_000, 0.3, 10_000, 120_000) : tokens(rng, 3_800, 0.5, 500, 40_000);
  for (let step = 0; step < steps; step++) {
    const last = step === steps - 1;
    const plan: CallPlan = runaway
      ? {
          spec: DEMO_MODELS.sonnet,
          input: context,
          output: tokens(rng, 900, 0.4, 50, 8_000),
          cacheRead: step > 0 && rng.chance(0.3) ? 4_096 : 0,
          stream: false,
          messages: messages('code-review', `${request} (step ${step + 1})`, 'repository snapshot (all files)'),
          answer: last ? 'Found 3 issues; see inline comments.' : '{"tool":"run_tests","arguments":{"suite":"all"}}',
          finishReason: last ? undefined : finishReasonFor(DEMO_MODELS.sonnet, 'tool'),
          metadata: { 'agent.step': step + 1 },
        }
      : {
          spec: DEMO_MODELS.reasoning,
          input: context,
          output: tokens(rng, 420, 0.45, 30, 4_000),
          reasoning: tokens(rng, 1_000, 0.6, 64, 20_000),
          cacheRead: step > 0 ? openAiCached(rng, context, 0.9) : openAiCached(rng, context, 0.2),
          stream: false,
          messages: messages('code-review', `${request} (step ${step + 1})`, 'diff: +120 −45 lines'),
          answer: last ? '1. The retry loop never backs off.\n2. Missing test for the empty cart.' : '{"tool":"run_tests","arguments":{"suite":"payments"}}',
          finishReason: last ? undefined : finishReasonFor(DEMO_MODELS.reasoning, 'tool'),
          metadata: { 'agent.step': step + 1 },
        };
    const call = callWithRetry(t, root, cursor, plan, runaway ? BASE_ERROR_RATE * 2 : BASE_ERROR_RATE);
    cursor = call.endMs;
    if (call.error !== null) break;
    if (!last) {
      const toolMs = rng.logNormal(runaway ? 9_000 : 2_500, 0.4);
      const failed = rng.chance(0.1);
      addSpan(t, { kind: 'tool', name: 'tool run_tests', parent: root, startMs: cursor + 3, durationMs: toolMs }, {
        metadata: { 'tool.name': 'run_tests', 'tool.arguments': runaway ? '{"suite":"all"}' : '{"suite":"payments"}', 'tool.status': failed ? 'failed' : 'passed' },
        ...(failed ? { status: 'error' as const, errorClass: 'other' as const, errorMessage: '2 tests failed' } : {}),
      });
      cursor += toolMs + 5;
      context += runaway ? tokens(rng, 4_000, 0.3, 1_000, 20_000) : tokens(rng, 700, 0.4, 100, 5_000);
    }
  }
  addSpan(t, { kind: 'agent', name: runaway ? 'code-review.agent (runaway)' : 'code-review.agent', parent: null, startMs: t0, durationMs: cursor - t0 + 4, spanId: root }, {
    metadata: { 'agent.steps': steps },
  });
  return cursor;
}

export function ticketTriage(t: TraceContext, t0: number, forced: 'pii' | 'injection' | null): number {
  const { rng } = t;
  const root = t.ids.hex(16);
  const ticket = userMessage(t, forced);
  // The in-house classifier is a model the price catalog does not know: its cost is unknown.
  const classify = callWithRetry(t, root, t0 + rng.int(1, 5), {
    spec: DEMO_MODELS.unknown,
    input: tokens(rng, 420, 0.4, 60, 4_000),
    output: tokens(rng, 6, 0.3, 1, 20),
    stream: false,
    messages: messages('ticket-triage', ticket),
    answer: rng.pick(['billing', 'bug', 'feature_request', 'account', 'other']),
  }, BASE_ERROR_RATE);
  let cursor = classify.endMs;
  if (classify.error === null && rng.chance(0.6)) {
    const input = tokens(rng, 700, 0.4, 100, 6_000);
    const reply = callWithRetry(t, root, cursor + 2, {
      spec: DEMO_MODELS.chatSmall,
      input,
      output: tokens(rng, 150, 0.4, 20, 1_000),
      cacheRead: openAiCached(rng, input, 0.4),
      stream: false,
      messages: messages('support-chat', `Draft a reply to: ${ticket}`),
      answer: 'Hi! Thanks for the report — we are looking into it.',
    }, BASE_ERROR_RATE);
    cursor = reply.endMs;
  }
  addSpan(t, { kind: 'chain', name: 'ticket-triage.classify', parent: null, startMs: t0, durationMs: cursor - t0 + 2, spanId: root });
  return cursor;
}

export const FEATURE_FLOWS: Record<FeatureName, (t: TraceContext, t0: number, forced: 'pii' | 'injection' | null) => number> = {
  'support-chat': supportChat,
  'doc-search': docSearch,
  summarize,
  'code-review': codeReview,
  'ticket-triage': ticketTriage,
};

// D1: thumbs from users, helpfulness from an evaluator, a categorical label from annotators.
export function addScores(t: TraceContext, endMs: number, answerSpan: string | null): void {
  const { rng } = t;
  const dip = t.inDip && (t.feature === 'doc-search' || rng.chance(0.3));
  const helpful = dip ? Math.min(1, Math.max(0, rng.logNormal(0.42, 0.35))) : Math.min(1, Math.max(0, 1 - rng.logNormal(0.14, 0.6)));
  if (rng.chance(0.35)) {
    t.items.push({
      type: 'score',
      id: `score_${t.ids.hex(24)}`,
      traceId: t.traceId,
      ...(answerSpan ? { spanId: answerSpan } : {}),
      name: 'helpfulness',
      value: Math.round(helpful * 1000) / 1000,
      dataType: 'numeric',
      source: 'evaluator',
      timestamp: Math.round(endMs + rng.int(2_000, 60_000)),
    });
  }
  if (rng.chance(0.18)) {
    const up = rng.chance(dip ? 0.35 : 0.86);
    t.items.push({
      type: 'score',
      id: `score_${t.ids.hex(24)}`,
      traceId: t.traceId,
      name: 'thumbs_up',
      value: up,
      dataType: 'boolean',
      source: 'user',
      ...(t.user ? { userId: t.user.id } : {}),
      ...(up ? {} : { comment: rng.pick(['wrong answer', 'not what I asked', 'too slow', 'made up a policy']) }),
      timestamp: Math.round(endMs + rng.int(5_000, 300_000)),
    });
  }
  if (rng.chance(0.05)) {
    t.items.push({
      type: 'score',
      id: `score_${t.ids.hex(24)}`,
      traceId: t.traceId,
      name: 'answer_quality',
      value: dip ? rng.pick(['incorrect', 'partially_correct', 'off_topic']) : rng.weighted([['correct', 8], ['partially_correct', 2], ['incorrect', 1]] as const),
      dataType: 'categorical',
      source: 'annotation',
      timestamp: Math.round(endMs + rng.int(3_600_000, 2 * 3_600_000)),
    });
  }
}
