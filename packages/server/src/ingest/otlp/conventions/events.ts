import type { SpanRecord } from '../../../domain/span.ts';
import type { OtlpLogRecord } from '../types.ts';
import { AttrReader, isRecord, parseJson, safeJson } from './attributes.ts';
import { boundContent, chainHash, contentHash, normalizeFinishReason } from './content.ts';
import { isContentFilterFinish } from './errors.ts';
import type { MapOptions } from './types.ts';

// A3: GenAI events that arrive as OTLP log records, attached to their span's record.
//
//   gen_ai.{system,user,assistant,tool}.message   one input message each (body: {content, tool_calls, id});
//   gen_ai.choice                                  one output choice (body: {index, finish_reason, message});
//     these two are the 2024–2025 event conventions, still the default of
//     opentelemetry-instrumentation-openai-v2 and other contrib instrumentations;
//   gen_ai.client.inference.operation.details      the whole call (current semconv; opentelemetry-util-genai):
//     gen_ai.input.messages, gen_ai.system_instructions, gen_ai.output.messages as attributes.
//
// The event name is the log record's event_name, or the `event.name` attribute older SDKs set.
// Message events append to the input/output message list; the details event replaces it (it is
// complete). Content is stored only when captureContent is on; the hashes are kept either way —
// for appended messages without stored content the hash is chained piece by piece, so repeated
// prompts still hash alike. Returns a new record; a log for another span returns `span` unchanged.

export const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';
const MESSAGE_EVENT = /^gen_ai\.(system|user|assistant|tool)\.message$/;
const CHOICE_EVENT = 'gen_ai.choice';

export function genAiEventName(log: OtlpLogRecord): string | null {
  const fromField = typeof log?.eventName === 'string' && log.eventName !== '' ? log.eventName : undefined;
  const fromAttr = isRecord(log?.attributes) ? log.attributes['event.name'] : undefined;
  const name = fromField ?? (typeof fromAttr === 'string' ? fromAttr : undefined);
  if (name === undefined) return null;
  return name === DETAILS_EVENT || name === CHOICE_EVENT || MESSAGE_EVENT.test(name) ? name : null;
}

export function isGenAiEvent(log: OtlpLogRecord): boolean {
  return genAiEventName(log) !== null;
}

function bodyObject(body: unknown): Record<string, unknown> | undefined {
  if (isRecord(body)) return body;
  if (typeof body === 'string') {
    const parsed = parseJson(body);
    return isRecord(parsed) ? parsed : undefined;
  }
  return undefined;
}

function hasText(v: unknown): boolean {
  return v !== undefined && v !== null && v !== '';
}

function appendMessage(existing: string | null, message: Record<string, unknown>): string {
  const parsed = existing === null ? [] : parseJson(existing);
  const list = Array.isArray(parsed) ? parsed : existing === null ? [] : [existing];
  list.push(message);
  return safeJson(list);
}

type Hasher = (text: string) => string;
const plainHash: Hasher = (text) => contentHash(text) as string;

interface Side {
  text: string | null; // what is stored
  hash: string | null;
}

// One more message on one side (input or output) of the record.
function addPiece(stored: string | null, hash: string | null, message: Record<string, unknown>, capture: boolean, hasher: Hasher): Side {
  const carriesContent = hasText(message.content) || hasText(message.tool_calls);
  if (!carriesContent) return { text: stored, hash };
  if (capture) {
    const full = appendMessage(stored, message);
    return { text: boundContent(full), hash: hasher(full) };
  }
  return { text: null, hash: chainHash(hash, safeJson(message), hasher) };
}

function withSystem(input: string | undefined, system: string | undefined): string | undefined {
  if (system === undefined) return input;
  const messages = input === undefined ? [] : parseJson(input);
  const list = Array.isArray(messages) ? messages : input === undefined ? [] : [input];
  return safeJson([{ role: 'system', parts: parseJson(system) ?? system }, ...list]);
}

function failedByFilter(span: SpanRecord, finishReason: string | null): Pick<SpanRecord, 'errorClass'> {
  if (span.status === 'error' && span.errorClass === 'other' && isContentFilterFinish(finishReason)) return { errorClass: 'content_filter' };
  return { errorClass: span.errorClass };
}

export function attachGenAiEvent(span: SpanRecord, log: OtlpLogRecord, options: MapOptions = { captureContent: false }): SpanRecord {
  try {
    const name = genAiEventName(log);
    if (name === null) return span;
    const spanId = typeof log.spanId === 'string' ? log.spanId.toLowerCase() : null;
    const traceId = typeof log.traceId === 'string' ? log.traceId.toLowerCase() : null;
    if (spanId !== span.spanId || (traceId !== null && traceId !== span.traceId)) return span;
    const capture = options.captureContent;
    const hasher = options.hash ?? plainHash;
    const storedInput = capture ? (span.content?.input ?? null) : null;
    const storedOutput = capture ? (span.content?.output ?? null) : null;

    if (name === DETAILS_EVENT) {
      const r = new AttrReader(isRecord(log.attributes) ? log.attributes : {});
      const input = withSystem(r.content('gen_ai.input.messages'), r.content('gen_ai.system_instructions'));
      const output = r.content('gen_ai.output.messages');
      const reasons = r.strList('gen_ai.response.finish_reasons');
      const finishReason = span.finishReason ?? normalizeFinishReason(reasons?.[0]) ?? null;
      const nextInput = input === undefined ? storedInput : boundContent(input);
      const nextOutput = output === undefined ? storedOutput : boundContent(output);
      return {
        ...span,
        requestModel: span.requestModel ?? r.str('gen_ai.request.model') ?? null,
        responseModel: span.responseModel ?? r.str('gen_ai.response.model') ?? null,
        provider: span.provider ?? r.firstStr('gen_ai.provider.name', 'gen_ai.system')?.toLowerCase() ?? null,
        finishReason,
        ...failedByFilter(span, finishReason),
        content: capture && (nextInput !== null || nextOutput !== null) ? { input: nextInput, output: nextOutput } : span.content,
        promptHash: input === undefined ? span.promptHash : hasher(input),
        responseHash: output === undefined ? span.responseHash : hasher(output),
      };
    }

    const body = bodyObject(log.body) ?? {};
    if (name === CHOICE_EVENT) {
      const message = isRecord(body.message) ? body.message : {};
      const piece: Record<string, unknown> = { role: typeof message.role === 'string' ? message.role : 'assistant' };
      if (hasText(message.content)) piece.content = message.content;
      if (hasText(message.tool_calls)) piece.tool_calls = message.tool_calls;
      const side = addPiece(storedOutput, span.responseHash, piece, capture, hasher);
      const finishReason = span.finishReason ?? normalizeFinishReason(body.finish_reason) ?? null;
      return {
        ...span,
        finishReason,
        ...failedByFilter(span, finishReason),
        content: capture && side.text !== null ? { input: storedInput, output: side.text } : span.content,
        responseHash: side.hash,
      };
    }

    const role = typeof body.role === 'string' ? body.role : (MESSAGE_EVENT.exec(name)?.[1] ?? 'user');
    const piece: Record<string, unknown> = { role };
    if (hasText(body.content)) piece.content = body.content;
    if (hasText(body.tool_calls)) piece.tool_calls = body.tool_calls;
    if (typeof body.id === 'string') piece.id = body.id;
    const side = addPiece(storedInput, span.promptHash, piece, capture, hasher);
    return {
      ...span,
      content: capture && side.text !== null ? { input: side.text, output: storedOutput } : span.content,
      promptHash: side.hash,
    };
  } catch {
    // A malformed event never costs the span.
    return span;
  }
}
