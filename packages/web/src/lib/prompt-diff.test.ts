import { describe, expect, it } from 'vitest';
import { changed, foldUnchanged, lineDiff, messagesDiff, parametersDiff, promptDiff, type DiffLine } from './prompt-diff.ts';

const shape = (lines: DiffLine[] | null) => lines?.map((l) => `${l.kind === 'add' ? '+' : l.kind === 'del' ? '-' : ' '}${l.text}`);

describe('the line diff of two prompt texts', () => {
  it('marks the removed and added lines with their numbers on each side', () => {
    const lines = lineDiff('You are helpful.\nAnswer in English.\nBe brief.', 'You are helpful.\nAnswer in French.\nBe brief.\nCite sources.\n');
    expect(shape(lines)).toEqual([' You are helpful.', '-Answer in English.', '+Answer in French.', ' Be brief.', '+Cite sources.']);
    expect(lines!.map((l) => [l.oldNo, l.newNo])).toEqual([
      [1, 1],
      [2, null],
      [null, 2],
      [3, 3],
      [null, 4],
    ]);
  });

  it('does not count a final line break as a change', () => {
    expect(changed(lineDiff('a\nb', 'a\nb\n'))).toBe(false);
    expect(changed(lineDiff('a', 'b'))).toBe(true);
  });
});

describe('the diff of chat messages', () => {
  it('keeps unchanged messages, pairs a changed one and names added and removed ones', () => {
    const before = [
      { role: 'system', content: 'You help with {{product}}.\nBe polite.' },
      { role: 'user', content: '{{question}}' },
    ];
    const after = [
      { role: 'system', content: 'You help with {{product}}.\nBe brief.' },
      { role: 'assistant', content: 'Sure.' },
      { role: 'user', content: '{{question}}' },
    ];
    const d = messagesDiff(before, after);
    expect(d.map((m) => [m.status, m.oldIndex, m.newIndex, m.oldRole, m.newRole])).toEqual([
      ['changed', 0, 0, 'system', 'system'],
      ['added', null, 1, null, 'assistant'],
      ['same', 1, 2, 'user', 'user'],
    ]);
    expect(shape(d[0].lines)).toEqual([' You help with {{product}}.', '-Be polite.', '+Be brief.']);
    expect(shape(d[1].lines)).toEqual(['+Sure.']);
    expect(shape(messagesDiff(after, before)[1].lines)).toEqual(['-Sure.']);
    expect(messagesDiff(after, before)[1].status).toBe('removed');
  });

  it('reads a text prompt against a chat prompt as a message of role text', () => {
    const d = promptDiff('Hello', [{ role: 'system', content: 'Hello' }]);
    expect(d.type).toBe('chat');
    if (d.type === 'chat') expect(d.messages.map((m) => [m.status, m.oldRole, m.newRole])).toEqual([['changed', 'text', 'system']]);
  });
});

describe('the parameters diff', () => {
  it('compares sorted JSON, so the order of keys is no change', () => {
    expect(changed(parametersDiff({ temperature: 0.2, max_tokens: 100 }, { max_tokens: 100, temperature: 0.2 }))).toBe(false);
    expect(shape(parametersDiff({ temperature: 0.2 }, { temperature: 0.7 }))).toEqual([' {', '-  "temperature": 0.2', '+  "temperature": 0.7', ' }']);
    expect(shape(parametersDiff(null, { top_p: 1 }))).toEqual(['-{}', '+{', '+  "top_p": 1', '+}']);
  });
});

describe('folding unchanged lines', () => {
  it('keeps three lines of context around a change and folds the rest', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    const hunks = foldUnchanged(lineDiff(before, after)!);
    expect(hunks.map((h) => [h.type, h.lines.length])).toEqual([
      ['folded', 6],
      ['lines', 3],
      ['lines', 2],
      ['lines', 3],
      ['folded', 7],
    ]);
    expect(hunks[1].lines[0].text).toBe('line 7');
  });
});
