import { diffArrays, diffJson, diffLines, type ChangeObject } from 'diff';

// The difference between two versions of a prompt (docs/prompts.md#registry), line by line: of
// the text, of each chat message, of the model parameters. The line diff is jsdiff's (Myers).

export interface Message {
  role: string;
  content: string;
}
export type PromptBody = string | Message[];

export interface DiffLine {
  kind: 'add' | 'del' | 'same';
  text: string;
  // Line numbers in the older and the newer text (1-based); null on the side without the line.
  oldNo: number | null;
  newNo: number | null;
}

// null: the texts are too far apart to be compared within the time allowed.
export type LineDiff = DiffLine[] | null;

// A prompt may be 256 KiB: the comparison stops after this long rather than hold the page.
const DIFF_TIMEOUT_MS = 2_000;

function toLines(changes: ChangeObject<string>[] | undefined): LineDiff {
  if (!changes) return null;
  const out: DiffLine[] = [];
  let oldNo = 1;
  let newNo = 1;
  for (const c of changes) {
    const parts = c.value.split('\n');
    // "a\nb\n" is two lines, "a\nb" too.
    if (parts[parts.length - 1] === '') parts.pop();
    for (const text of parts) {
      if (c.added) out.push({ kind: 'add', text, oldNo: null, newNo: newNo++ });
      else if (c.removed) out.push({ kind: 'del', text, oldNo: oldNo++, newNo: null });
      else out.push({ kind: 'same', text, oldNo: oldNo++, newNo: newNo++ });
    }
  }
  return out;
}

// Whether a text ends with a line break is not a change of any line.
const ended = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);

export function lineDiff(before: string, after: string): LineDiff {
  return toLines(diffLines(ended(before), ended(after), { timeout: DIFF_TIMEOUT_MS }));
}

// Model parameters as sorted, indented JSON, compared line by line; no parameters read as {}.
export function parametersDiff(before: Record<string, unknown> | null, after: Record<string, unknown> | null): LineDiff {
  return toLines(diffJson(before ?? {}, after ?? {}, { timeout: DIFF_TIMEOUT_MS }));
}

export const changed = (lines: LineDiff) => lines === null || lines.some((l) => l.kind !== 'same');

export interface MessageDiff {
  status: 'same' | 'changed' | 'added' | 'removed';
  // Positions in the older and newer list (0-based); null on the side without the message.
  oldIndex: number | null;
  newIndex: number | null;
  oldRole: string | null;
  newRole: string | null;
  lines: LineDiff;
}

const sameMessage = (a: Message, b: Message) => a.role === b.role && a.content === b.content;

// Chat messages: the ones kept as they were are matched first (jsdiff over the lists); between
// them, the removed and the added ones are paired in order as changed messages (each with its own
// line diff), and whatever is left over on one side was added or removed whole.
export function messagesDiff(before: Message[], after: Message[]): MessageDiff[] {
  const out: MessageDiff[] = [];
  let oldIndex = 0;
  let newIndex = 0;
  let removed: Message[] = [];
  let added: Message[] = [];
  const flush = () => {
    const paired = Math.min(removed.length, added.length);
    for (let i = 0; i < Math.max(removed.length, added.length); i++) {
      const a = removed[i];
      const b = added[i];
      if (i < paired) out.push({ status: 'changed', oldIndex: oldIndex++, newIndex: newIndex++, oldRole: a.role, newRole: b.role, lines: lineDiff(a.content, b.content) });
      else if (a) out.push({ status: 'removed', oldIndex: oldIndex++, newIndex: null, oldRole: a.role, newRole: null, lines: lineDiff(a.content, '') });
      else out.push({ status: 'added', oldIndex: null, newIndex: newIndex++, oldRole: null, newRole: b.role, lines: lineDiff('', b.content) });
    }
    removed = [];
    added = [];
  };
  for (const c of diffArrays(before, after, { comparator: sameMessage })) {
    if (c.removed) removed.push(...c.value);
    else if (c.added) added.push(...c.value);
    else {
      flush();
      for (const m of c.value) out.push({ status: 'same', oldIndex: oldIndex++, newIndex: newIndex++, oldRole: m.role, newRole: m.role, lines: lineDiff(m.content, m.content) });
    }
  }
  flush();
  return out;
}

// A text prompt compared with a chat prompt reads as one message of role "text".
const asMessages = (p: PromptBody): Message[] => (typeof p === 'string' ? [{ role: 'text', content: p }] : p);

export type PromptDiff = { type: 'text'; lines: LineDiff } | { type: 'chat'; messages: MessageDiff[] };

export function promptDiff(before: PromptBody, after: PromptBody): PromptDiff {
  if (typeof before === 'string' && typeof after === 'string') return { type: 'text', lines: lineDiff(before, after) };
  return { type: 'chat', messages: messagesDiff(asMessages(before), asMessages(after)) };
}

// Unchanged runs longer than twice the context are folded to their first and last `context` lines.
export type Hunk = { type: 'lines'; lines: DiffLine[] } | { type: 'folded'; lines: DiffLine[] };

export function foldUnchanged(lines: DiffLine[], context = 3): Hunk[] {
  const out: Hunk[] = [];
  let i = 0;
  while (i < lines.length) {
    let j = i;
    while (j < lines.length && lines[j].kind === 'same') j++;
    const run = lines.slice(i, j);
    if (run.length > 0) {
      const head = i === 0 ? 0 : context;
      const tail = j === lines.length ? 0 : context;
      if (run.length > head + tail + 1) {
        if (head) out.push({ type: 'lines', lines: run.slice(0, head) });
        out.push({ type: 'folded', lines: run.slice(head, run.length - tail) });
        if (tail) out.push({ type: 'lines', lines: run.slice(run.length - tail) });
      } else out.push({ type: 'lines', lines: run });
    }
    let k = j;
    while (k < lines.length && lines[k].kind !== 'same') k++;
    if (k > j) out.push({ type: 'lines', lines: lines.slice(j, k) });
    i = k;
  }
  return out;
}
