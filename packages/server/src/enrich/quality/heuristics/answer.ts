import type { SpanRecord } from '../../../domain/span.ts';

// What a generation answered, as the heuristics read it. Paths record the output differently: the
// gateway and the native API as the answer's text, OTLP GenAI instrumentations as the JSON list of
// output messages (gen_ai.output.messages: role, parts). A list of messages is read back to its
// text parts and tool calls, so a check on "the answer" sees the same thing whichever path the
// call came by; any other text is the answer as it is.

// Outputs longer than this are not parsed for messages (characters). Nothing is lost: such an
// output is then checked as the text it is.
export const MAX_MESSAGES_PARSE_CHARS = 256 * 1024;

export interface Answer {
  text: string;
  toolCalls: number;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function messagesOf(text: string): Json[] | null {
  if (text.length > MAX_MESSAGES_PARSE_CHARS || text.trimStart()[0] !== '[') return null;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(v) || v.length === 0 || !v.every((m) => isObject(m) && typeof m.role === 'string')) return null;
  return v as Json[];
}

function readMessage(m: Json, texts: string[]): number {
  let toolCalls = 0;
  if (typeof m.content === 'string') texts.push(m.content);
  for (const list of [m.parts, m.content]) if (Array.isArray(list)) for (const p of list) toolCalls += readPart(p, texts);
  if (Array.isArray(m.tool_calls)) toolCalls += m.tool_calls.length;
  return toolCalls;
}

// What the user asked last: the text of the prompt's last user message, or the prompt as it is
// when it is not a list of messages. (The system prompt is often in another language than the
// user writes in.)
export function lastUserText(input: string): string {
  const messages = messagesOf(input);
  if (messages === null) return input;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role !== 'user') continue;
    const texts: string[] = [];
    readMessage(messages[i], texts);
    return texts.join('\n');
  }
  return '';
}

function readPart(part: unknown, texts: string[]): number {
  if (typeof part === 'string') {
    texts.push(part);
    return 0;
  }
  if (!isObject(part)) return 0;
  if (part.type === 'tool_call' || part.type === 'function_call' || part.type === 'tool_use') return 1;
  const text = typeof part.content === 'string' ? part.content : typeof part.text === 'string' ? part.text : null;
  if (text !== null && (part.type === undefined || part.type === 'text' || part.type === 'output_text')) texts.push(text);
  return 0;
}

// Null when no answer was captured: no content at all, or no output text although the provider
// counted output tokens (an instrumentation that records the prompt only).
export function answerOf(span: Pick<SpanRecord, 'content' | 'metadata' | 'usage'>): Answer | null {
  const output = span.content?.output;
  if (span.content === null) return null;
  // The gateway keeps only the count of the tool calls an answer made.
  const counted = Number(span.metadata['gateway.tool_calls'] ?? 0);
  const gatewayCalls = Number.isFinite(counted) ? counted : 0;
  if (output === null || output === undefined) {
    if (gatewayCalls === 0 && span.usage.output > 0) return null;
    return { text: '', toolCalls: gatewayCalls };
  }
  const messages = messagesOf(output);
  if (messages === null) return { text: output, toolCalls: gatewayCalls };
  const texts: string[] = [];
  let toolCalls = 0;
  for (const m of messages) toolCalls += readMessage(m, texts);
  return { text: texts.join('\n'), toolCalls };
}

// Whether the call asked for JSON: OTel GenAI's gen_ai.output.type (which the gateway also sets
// from an OpenAI request's response_format or text.format), or the AI SDK's JSON mode.
export const OUTPUT_TYPE_KEY = 'gen_ai.output.type';
export function jsonRequested(span: Pick<SpanRecord, 'metadata'>): boolean {
  return span.metadata[OUTPUT_TYPE_KEY] === 'json' || span.metadata['ai.settings.mode'] === 'json';
}
