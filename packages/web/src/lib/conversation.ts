// Captured prompts and responses (a span's content) read as a conversation: roles, system prompt,
// tool calls and their results, retrieved documents. Content reaches Lookout in many shapes (the
// gateway stores request bodies as sent, the native API takes any JSON, OTLP conventions their own
// message lists), so each shape is recognised here and anything else is shown as captured. The
// content is the application's users' text and must be treated as hostile: this module only ever
// produces plain strings for the page to render as text, never markup or links.

export type Role = 'system' | 'user' | 'assistant' | 'tool' | 'other';

export type Part =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'refusal'; text: string }
  | { type: 'tool_call'; id: string | null; name: string; arguments: string }
  | { type: 'tool_result'; id: string | null; name: string | null; isError: boolean; parts: Part[] }
  | { type: 'media'; media: 'image' | 'audio' | 'video' | 'file'; label: string }
  // A part of a shape not known here, shown as its JSON.
  | { type: 'data'; json: string };

export interface Message {
  role: Role;
  rawRole: string; // as captured ("developer", "model", "human", …)
  name: string | null;
  parts: Part[];
}

export interface RetrievedDocument {
  id: string | null;
  score: number | null;
  source: string | null;
  text: string;
}

export type ParsedContent =
  | { kind: 'empty' }
  | { kind: 'text'; text: string }
  | { kind: 'conversation'; messages: Message[] }
  | { kind: 'documents'; documents: RetrievedDocument[] }
  // Not a shape known here: the text as captured (indented when it is JSON).
  | { kind: 'raw'; text: string };

// Tool results nest content (Anthropic tool_result blocks hold blocks); deeper than this is shown as JSON.
const MAX_PART_DEPTH = 4;
// Media is described, never loaded: a data URL is named by its type and size, not reproduced.
const MAX_LABEL_CHARS = 200;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const has = (o: Obj, key: string) => Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined;

// JSON indented for reading; the text itself when it is not JSON or cannot be printed.
export function prettyJson(value: unknown): string {
  if (typeof value === 'string') {
    const t = value.trim();
    if (!t.startsWith('{') && !t.startsWith('[')) return value;
    try {
      return JSON.stringify(JSON.parse(t), null, 2);
    } catch {
      return value;
    }
  }
  return printed(value) ?? '(too deeply nested to show)';
}

function printed(value: unknown): string | null {
  try {
    return JSON.stringify(value, null, 2) ?? null;
  } catch {
    return null;
  }
}

export function parseContent(text: string | null | undefined, spanKind?: string): ParsedContent {
  if (text === null || text === undefined || text.trim() === '') return { kind: 'empty' };
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[') && !t.startsWith('"')) return { kind: 'text', text };
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch {
    // Not JSON (or JSON cut at the stored bound): as captured.
    return { kind: 'raw', text };
  }
  if (typeof value === 'string') return value.trim() === '' ? { kind: 'empty' } : { kind: 'text', text: value };
  try {
    if (spanKind === 'retrieval') {
      const documents = documentsOf(value);
      if (documents) return { kind: 'documents', documents };
    }
    const messages = conversationOf(value);
    if (messages) return { kind: 'conversation', messages };
  } catch {
    // A shape deeper or stranger than expected: shown raw below.
  }
  return { kind: 'raw', text: printed(value) ?? text };
}

export function roleOf(raw: string): Role {
  switch (raw.toLowerCase()) {
    case 'system':
    case 'developer':
      return 'system';
    case 'user':
    case 'human':
      return 'user';
    case 'assistant':
    case 'model':
    case 'ai':
    case 'bot':
      return 'assistant';
    case 'tool':
    case 'function':
    case 'ipython':
      return 'tool';
    default:
      return 'other';
  }
}

// ---- conversations ----

function conversationOf(value: unknown): Message[] | null {
  if (Array.isArray(value)) return messagesOf(value, null);
  if (!isObj(value)) return null;
  // Request bodies: Anthropic {system, messages}, OpenAI chat {messages}, OpenAI Responses
  // {model, instructions, input} (a bare {input} is too common a shape to be taken for one).
  const responsesInput = (has(value, 'model') || has(value, 'instructions')) && (typeof value.input === 'string' || Array.isArray(value.input));
  if (Array.isArray(value.messages) || responsesInput) {
    const list = Array.isArray(value.messages)
      ? messagesOf(value.messages, null)
      : typeof value.input === 'string'
        ? [message('user', null, [{ type: 'text', text: value.input }])]
        : messagesOf(value.input as unknown[], null);
    if (!list) return null;
    const system = value.system ?? value.instructions;
    if (system === undefined || system === null || system === '') return list;
    return [message('system', null, partsOf(system, 0)), ...list];
  }
  // Responses: OpenAI chat completions {choices}, OpenAI Responses {output}, Gemini {candidates}, Anthropic {role, content}.
  if (Array.isArray(value.choices)) {
    const out: Message[] = [];
    for (const c of value.choices) {
      if (!isObj(c)) return null;
      const m = isObj(c.message) ? messageOf(c.message, 'assistant') : isObj(c.delta) ? messageOf(c.delta, 'assistant') : typeof c.text === 'string' ? message('assistant', null, [{ type: 'text', text: c.text }]) : null;
      if (!m) return null;
      out.push(m);
    }
    return out.length ? out : null;
  }
  if (Array.isArray(value.output) && (value.object === 'response' || value.output.every((i) => isObj(i) && typeof i.type === 'string'))) {
    return messagesOf(value.output, 'assistant');
  }
  if (Array.isArray(value.candidates)) {
    return messagesOf(
      value.candidates.map((c) => (isObj(c) ? c.content : c)),
      'assistant',
    );
  }
  const one = messageOf(value, null);
  return one ? [one] : null;
}

function messagesOf(items: unknown[], defaultRole: string | null): Message[] | null {
  if (items.length === 0) return null;
  const out: Message[] = [];
  for (const item of items) {
    const m = messageOf(item, defaultRole);
    if (!m) return null;
    out.push(m);
  }
  return out;
}

function message(rawRole: string, name: string | null, parts: Part[]): Message {
  return { role: roleOf(rawRole), rawRole, name, parts };
}

// One message of a list, or one OpenAI Responses item; null when it is neither.
function messageOf(e: unknown, defaultRole: string | null): Message | null {
  if (!isObj(e)) return null;
  const item = responsesItem(e);
  if (item) return item;
  const rawRole = str(e.role) ?? defaultRole;
  if (rawRole === null) return null;
  // Something with a role and none of the fields a message carries is not a message.
  if (!['content', 'parts', 'tool_calls', 'function_call', 'refusal'].some((k) => has(e, k))) return null;
  const name = str(e.name);
  let parts: Part[] = [];
  if (has(e, 'reasoning_content') && typeof e.reasoning_content === 'string' && e.reasoning_content) parts.push({ type: 'reasoning', text: e.reasoning_content });
  parts.push(...partsOf(has(e, 'content') ? e.content : e.parts, 0));
  if (typeof e.refusal === 'string' && e.refusal) parts.push({ type: 'refusal', text: e.refusal });
  if (Array.isArray(e.tool_calls)) for (const c of e.tool_calls) parts.push(toolCallOf(c));
  if (isObj(e.function_call)) parts.push(toolCallOf({ function: e.function_call }));
  // OpenAI tool and function messages: the content is a tool's result.
  const role = roleOf(rawRole);
  if (role === 'tool' && !parts.some((p) => p.type === 'tool_result')) {
    parts = [{ type: 'tool_result', id: str(e.tool_call_id), name, isError: false, parts }];
  }
  return message(rawRole, role === 'tool' ? null : name, parts);
}

// OpenAI Responses API items other than messages: calls, their outputs, reasoning.
function responsesItem(e: Obj): Message | null {
  const type = str(e.type);
  if (type === null || type === 'message') return null;
  const callId = str(e.call_id) ?? str(e.id);
  if (type === 'reasoning') {
    const texts = [...(Array.isArray(e.summary) ? e.summary : []), ...(Array.isArray(e.content) ? e.content : [])].map((s) => (isObj(s) ? str(s.text) : null)).filter((s): s is string => !!s);
    return message('assistant', null, [{ type: 'reasoning', text: texts.length ? texts.join('\n\n') : '(reasoning not shown by the provider)' }]);
  }
  if (type.endsWith('_call_output')) {
    return message('tool', null, [{ type: 'tool_result', id: callId, name: null, isError: false, parts: partsOf(e.output, 1) }]);
  }
  if (type.endsWith('_call')) {
    const name = str(e.name) ?? type.slice(0, -'_call'.length);
    const args = has(e, 'arguments') ? e.arguments : has(e, 'input') ? e.input : has(e, 'action') ? e.action : withoutKeys(e, ['type', 'id', 'call_id', 'status']);
    return message('assistant', null, [{ type: 'tool_call', id: callId, name, arguments: prettyJson(args) }]);
  }
  return null;
}

function withoutKeys(o: Obj, keys: string[]): Obj {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}

// OpenAI {id, function: {name, arguments}}, OpenInference {id, "function.name", "function.arguments"}.
function toolCallOf(c: unknown): Part {
  if (!isObj(c)) return { type: 'data', json: prettyJson(c) };
  const fn = isObj(c.function) ? c.function : c;
  const name = str(fn.name) ?? str(c['function.name']) ?? str(c.type) ?? 'tool';
  const args = fn.arguments ?? c['function.arguments'] ?? fn.input ?? fn.args ?? '';
  return { type: 'tool_call', id: str(c.id) ?? str(c.call_id), name, arguments: prettyJson(args) };
}

// A message's content: a string, a list of parts (blocks), one part, or nothing.
function partsOf(content: unknown, depth: number): Part[] {
  if (content === null || content === undefined) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (typeof content === 'number' || typeof content === 'boolean') return [{ type: 'text', text: String(content) }];
  if (depth > MAX_PART_DEPTH) return [{ type: 'data', json: prettyJson(content) }];
  if (Array.isArray(content)) return content.map((p) => partOf(p, depth + 1));
  return [partOf(content, depth + 1)];
}

function partOf(p: unknown, depth: number): Part {
  if (typeof p === 'string') return { type: 'text', text: p };
  if (!isObj(p)) return { type: 'data', json: prettyJson(p) };
  const type = str(p.type);
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text': {
      // OpenAI and Anthropic: text; GenAI conventions: content.
      const text = str(p.text) ?? str(p.content);
      if (text !== null) return { type: 'text', text };
      break;
    }
    case 'refusal':
      if (typeof p.refusal === 'string') return { type: 'refusal', text: p.refusal };
      break;
    case 'thinking':
      if (typeof p.thinking === 'string') return { type: 'reasoning', text: p.thinking };
      break;
    case 'redacted_thinking':
      return { type: 'reasoning', text: '(reasoning redacted by the provider)' };
    case 'reasoning': {
      const text = str(p.content) ?? str(p.text);
      if (text !== null) return { type: 'reasoning', text };
      break;
    }
    case 'tool_use':
    case 'server_tool_use':
    case 'mcp_tool_use':
    case 'tool_call':
    case 'function_call':
      return { type: 'tool_call', id: str(p.id) ?? str(p.call_id), name: str(p.name) ?? 'tool', arguments: prettyJson(p.input ?? p.arguments ?? '') };
    case 'tool_result':
    case 'mcp_tool_result':
      return { type: 'tool_result', id: str(p.tool_use_id), name: null, isError: p.is_error === true, parts: partsOf(p.content, depth) };
    case 'tool_call_response':
      return { type: 'tool_result', id: str(p.id), name: null, isError: false, parts: partsOf(p.response ?? p.result, depth) };
    case 'image_url':
    case 'input_image':
    case 'image':
      return { type: 'media', media: 'image', label: mediaLabel(p) };
    case 'input_audio':
    case 'audio':
      return { type: 'media', media: 'audio', label: mediaLabel(p) };
    case 'video':
      return { type: 'media', media: 'video', label: mediaLabel(p) };
    case 'file':
    case 'input_file':
    case 'document':
      return { type: 'media', media: 'file', label: mediaLabel(p) };
    case 'blob':
    case 'uri': {
      // GenAI conventions: the modality says what it is.
      const modality = str(p.modality);
      const media = modality === 'image' || modality === 'audio' || modality === 'video' ? modality : 'file';
      return { type: 'media', media, label: mediaLabel(p) };
    }
    default:
      if (type !== null && type.endsWith('_tool_result')) {
        return { type: 'tool_result', id: str(p.tool_use_id), name: type.slice(0, -'_tool_result'.length), isError: false, parts: [{ type: 'data', json: prettyJson(p.content) }] };
      }
      // Parts without a type: Gemini {text}, {functionCall}, {functionResponse}; OpenInference {text}.
      if (type === null && typeof p.text === 'string') return { type: 'text', text: p.text };
      if (isObj(p.functionCall)) return { type: 'tool_call', id: str(p.functionCall.id), name: str(p.functionCall.name) ?? 'tool', arguments: prettyJson(p.functionCall.args ?? '') };
      if (isObj(p.functionResponse)) {
        return { type: 'tool_result', id: str(p.functionResponse.id), name: str(p.functionResponse.name), isError: false, parts: partsOf(p.functionResponse.response, depth) };
      }
      if (isObj(p.inlineData)) return { type: 'media', media: 'file', label: mediaLabel(p.inlineData) };
  }
  return { type: 'data', json: prettyJson(p) };
}

// What a media part is, in words: its name, URL or type and size. Never fetched or shown inline.
function mediaLabel(p: Obj): string {
  const source = isObj(p.source) ? p.source : {};
  const imageUrl = isObj(p.image_url) ? p.image_url.url : p.image_url;
  const file = isObj(p.file) ? p.file : {};
  const audio = isObj(p.input_audio) ? p.input_audio : {};
  const name = str(p.filename) ?? str(file.filename) ?? str(p.title) ?? str(p.name);
  const url = str(imageUrl) ?? str(source.url) ?? str(p.uri) ?? str(p.url) ?? str(p['image.url']) ?? str(p['image.image.url']);
  const id = str(p.file_id) ?? str(file.file_id) ?? str(source.file_id);
  const mime = str(p.mime_type) ?? str(p.mimeType) ?? str(source.media_type) ?? str(p.media_type) ?? (str(audio.format) ? `audio/${str(audio.format)}` : null);
  const data = str(source.data) ?? str(p.content) ?? str(p.data) ?? str(audio.data) ?? str(file.file_data) ?? str(p.file_data);
  const pieces: string[] = [];
  if (name) pieces.push(name);
  if (url) pieces.push(url.startsWith('data:') ? `${url.slice(5, url.indexOf(',') > 0 ? url.indexOf(',') : 40)} (${sizeOf(url.length)} inline)` : url);
  if (id) pieces.push(id);
  if (!url && data) pieces.push(`${mime ?? 'data'} (${sizeOf(data.length)} inline)`);
  else if (mime && !pieces.some((x) => x.includes(mime))) pieces.push(mime);
  const label = pieces.join(' · ') || 'not captured';
  return label.length > MAX_LABEL_CHARS ? `${label.slice(0, MAX_LABEL_CHARS)}…` : label;
}

const sizeOf = (chars: number) => (chars < 1024 ? `${chars} characters` : `${Math.round(chars / 1024)} kB`);

// ---- retrieved documents ----

function documentsOf(value: unknown): RetrievedDocument[] | null {
  let list: unknown = value;
  if (isObj(value)) list = value.documents ?? value.results ?? value.matches ?? value.hits ?? value.data;
  if (!Array.isArray(list) || list.length === 0) return null;
  const out: RetrievedDocument[] = [];
  for (const d of list) {
    const doc = documentOf(d);
    if (!doc) return null;
    out.push(doc);
  }
  return out;
}

// LangChain {page_content, metadata}, LlamaIndex {node: {text}, score}, OpenInference
// {"document.content", "document.score"}, vector stores {id, score, metadata: {text}}.
function documentOf(d: unknown): RetrievedDocument | null {
  if (typeof d === 'string') return { id: null, score: null, source: null, text: d };
  if (!isObj(d)) return null;
  const inner = isObj(d.document) ? d.document : isObj(d.node) ? d.node : d;
  const metadata = isObj(inner.metadata) ? inner.metadata : isObj(d.metadata) ? d.metadata : {};
  const text =
    str(inner.page_content) ?? str(inner.pageContent) ?? str(inner.content) ?? str(inner.text) ?? str(inner['document.content']) ?? str(d['document.content']) ?? str(inner.chunk) ?? str(inner.snippet) ?? str(metadata.text);
  const rawId = inner.id ?? inner['document.id'] ?? d['document.id'] ?? inner.doc_id ?? inner.id_ ?? d.id;
  const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : null;
  if (text === null && id === null) return null;
  const rawScore = d.score ?? inner.score ?? d['document.score'] ?? inner['document.score'] ?? d.relevance_score ?? d.similarity;
  const score = typeof rawScore === 'number' && Number.isFinite(rawScore) ? rawScore : null;
  const source = str(metadata.source) ?? str(metadata.title) ?? str(metadata.url) ?? str(metadata.file_name);
  return { id, score, source, text: text ?? '' };
}
