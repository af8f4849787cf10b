import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_FILE, corpusText, generateCorpus } from '../../../../../test/fixtures/pii/generate.ts';
import { corpusStats, evaluate, formatFailures, formatTable, parseCorpus, TARGETS, type CorpusText, type Evaluation } from './evaluate.ts';
import { Redactor } from './redactor.ts';
import { defaultRedactionSettings, type PiiType } from './types.ts';

// The redactor measured on the labelled corpus (test/fixtures/pii/, built by generate.ts): the
// targets of docs/privacy.md, "Detection quality". A failure prints each miss and false positive
// with its text id, the kind of value and the text around it, grouped by type and detector.
// `node scripts/privacy-corpus.ts --failures` prints the same with the full tables.

let corpus: CorpusText[];
let ev: Evaluation;

beforeAll(() => {
  corpus = parseCorpus(readFileSync(CORPUS_FILE, 'utf8'));
  const redactor = new Redactor(defaultRedactionSettings());
  ev = evaluate(corpus, (text) => redactor.scan(text));
});

function report(filter: (type: PiiType) => boolean, misses: boolean, falsePositives: boolean): string {
  const selected: Evaluation = {
    ...ev,
    misses: misses ? ev.misses.filter((m) => filter(m.type)) : [],
    falsePositives: falsePositives ? ev.falsePositives.filter((f) => filter(f.type)) : [],
  };
  return `\n${formatTable(ev)}\n\n${formatFailures(selected)}\n`;
}

describe('the labelled corpus', () => {
  it('has at least 500 texts in several languages, labels of every built-in type, and look-alikes with no label', () => {
    const stats = corpusStats(corpus);
    expect(stats.texts).toBeGreaterThanOrEqual(500);
    expect(Object.keys(stats.perLang).length).toBeGreaterThanOrEqual(8);
    expect(stats.unlabelled).toBeGreaterThanOrEqual(100);
    for (const type of ['email', 'phone', 'credit_card', 'ssn', 'national_id', 'iban', 'ip_address', 'secret']) expect(stats.perType[type] ?? 0, type).toBeGreaterThanOrEqual(30);
  });

  it('is what test/fixtures/pii/generate.ts writes (regenerate with `node test/fixtures/pii/generate.ts`)', () => {
    // Compared as one string: a diff of a thousand long lines would bury the instruction.
    if (corpusText(generateCorpus()) !== readFileSync(CORPUS_FILE, 'utf8')) expect.fail('test/fixtures/pii/corpus.jsonl is stale: run `node test/fixtures/pii/generate.ts`');
  });
});

describe('redactor detection quality on the corpus', () => {
  for (const [type, min] of Object.entries(TARGETS.recall) as [PiiType, number][]) {
    it(`finds at least ${min * 100}% of the labelled ${type} values`, () => {
      const s = ev.perType.find((p) => p.type === type)!;
      if ((s.recall ?? 0) < min) expect.fail(`${type} recall ${s.recall?.toFixed(3)} < ${min}: ${s.fn} of ${s.support} missed${report((t) => t === type, true, false)}`);
    });
  }

  it(`keeps overall precision at ${TARGETS.precision} or more`, () => {
    const p = ev.overall.precision ?? 0;
    if (p < TARGETS.precision) expect.fail(`overall precision ${p.toFixed(3)} < ${TARGETS.precision}: ${ev.overall.fp} false positives${report(() => true, false, true)}`);
  });
});
