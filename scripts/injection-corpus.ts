// Prints precision and recall of the prompt-injection detector on the labelled corpus as a
// markdown table (the one in docs/privacy.md), with the misses and false positives below it.
//   node scripts/injection-corpus.ts
import { describeOutcome, markdownTable, scoreCorpus } from '../test/fixtures/injection/score.ts';

const report = scoreCorpus();
const lines = [markdownTable(report), '', `Misses (${report.misses.length}):`, ...report.misses.map(describeOutcome)];
lines.push('', `False positives (${report.falsePositives.length}):`, ...report.falsePositives.map(describeOutcome));
process.stdout.write(`${lines.join('\n')}\n`);
