// Measures the redactor on the labelled corpus and prints the tables of docs/privacy.md
// ("Detection quality"): per type, per kind of value, and the corpus's make-up.
//
//   node scripts/privacy-corpus.ts              tables and the targets not met
//   node scripts/privacy-corpus.ts --failures   also every miss and false positive
//
// The same computation as packages/server/src/enrich/redact/corpus.test.ts (both use evaluate.ts).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { corpusStats, evaluate, formatFailures, formatKindTable, formatLangTable, formatTable, parseCorpus, unmetTargets } from '../packages/server/src/enrich/redact/evaluate.ts';
import { Redactor } from '../packages/server/src/enrich/redact/redactor.ts';
import { defaultRedactionSettings } from '../packages/server/src/enrich/redact/types.ts';

const CORPUS_FILE = fileURLToPath(new URL('../test/fixtures/pii/corpus.jsonl', import.meta.url));

const corpus = parseCorpus(readFileSync(CORPUS_FILE, 'utf8'));
const redactor = new Redactor(defaultRedactionSettings());
const ev = evaluate(corpus, (text) => redactor.scan(text));
const stats = corpusStats(corpus);

console.log(`## Per type (${stats.texts} texts, ${stats.unlabelled} with nothing to find)\n`);
console.log(formatTable(ev));
console.log('\n## Per kind of value\n');
console.log(formatKindTable(ev));
console.log('\n## Corpus by language\n');
console.log(formatLangTable(ev));
// Look-alike texts are named `lookalike-<kind>-…` by the generator: nothing in them is to be found.
const lookalikeKind = (id: string) => /^lookalike-([a-z0-9_]+)-/.exec(id)?.[1];
const lookalikes = new Map<string, { texts: number; fp: number }>();
for (const e of corpus) {
  const kind = lookalikeKind(e.id);
  if (kind) lookalikes.set(kind, { texts: (lookalikes.get(kind)?.texts ?? 0) + 1, fp: 0 });
}
for (const f of ev.falsePositives) {
  const kind = lookalikeKind(f.id);
  if (kind) lookalikes.get(kind)!.fp++;
}
console.log('\n## Look-alike texts (nothing to find)\n');
console.log('| kind | texts | false positives |\n|---|---:|---:|');
for (const [kind, s] of lookalikes) console.log(`| ${kind} | ${s.texts} | ${s.fp} |`);
const unmet = unmetTargets(ev);
console.log(unmet.length ? `\nTargets not met:\n${unmet.map((u) => `- ${u}`).join('\n')}` : '\nAll targets met.');
if (process.argv.includes('--failures')) console.log(`\n${formatFailures(ev)}`);
