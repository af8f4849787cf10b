// Prompts are recorded as the caller sent them, most often a JSON array of chat messages. Every
// message's text is then inside JSON quotes, and the injection rules discount a phrase in quotes
// (it is usually being talked about, not said). So the detector is given the texts the model read,
// one per line, not the JSON around them: the values of every string field except the ones that
// name or label things (role, type, ids). Text that is not JSON is taken as it is.

const LABEL_KEYS = new Set(['role', 'type', 'id', 'tool_call_id', 'call_id', 'name', 'model', 'finish_reason', 'stop_reason', 'mime_type', 'media_type', 'object', 'index', 'cache_control', 'detail']);
const MAX_DEPTH = 16;
const MAX_PARTS = 10_000;

export function promptText(input: string): string {
  let i = 0;
  while (i < input.length && (input.charCodeAt(i) === 32 || input.charCodeAt(i) === 10 || input.charCodeAt(i) === 9 || input.charCodeAt(i) === 13)) i++;
  const first = input[i];
  if (first !== '[' && first !== '{') return input;
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    return input;
  }
  const parts: string[] = [];
  collect(value, parts, 0);
  return parts.join('\n');
}

function collect(v: unknown, parts: string[], depth: number): void {
  if (parts.length >= MAX_PARTS) return;
  if (typeof v === 'string') {
    if (v !== '') parts.push(v);
    return;
  }
  if (depth >= MAX_DEPTH || v === null || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) collect(x, parts, depth + 1);
    return;
  }
  for (const [k, x] of Object.entries(v)) if (!LABEL_KEYS.has(k)) collect(x, parts, depth + 1);
}
