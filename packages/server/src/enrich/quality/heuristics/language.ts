import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { answerOf, lastUserText } from './answer.ts';
import { failed, notApplicable, NO_OUTPUT, passed, type Heuristic } from './verdict.ts';

// language: the answer is in the expected language (ISO 639-1): the evaluator's `language`, or
// else the language of the user's last message in the prompt. Identified by eld (Nito-ELD: n-gram
// scores of 60 languages, tens of microseconds a text) on the first LANGUAGE_SAMPLE_CHARS of each
// text; a text too short, or one eld is not sure of, is not judged, so a one-word answer never
// counts as a mismatch.

export const LANGUAGE_SAMPLE_CHARS = 300;
// eld's n-gram tables take about 55 MB of heap and half a second to load: a server without a
// language evaluator never loads them. prepareLanguageDetector() loads them on a later turn as soon
// as one is defined; a call judged before that loads them at once. Both load the same way (a
// require of the module's file): an import() in flight cannot be required by a call meanwhile.
const ELD_MODULE = 'eld/medium';
type Detector = (typeof import('eld/medium'))['eld'];
let detector: Detector | null = null;
let preparing: Promise<void> | null = null;

export function prepareLanguageDetector(): Promise<void> {
  preparing ??= new Promise<void>((resolve, reject) => {
    setImmediate(() => {
      try {
        loadedDetector();
        resolve();
      } catch (err) {
        reject(err as Error);
      }
    });
  });
  return preparing;
}

function loadedDetector(): Detector {
  // eld is ESM with an import-only export map: require() of the resolved file loads it in place.
  detector ??= (createRequire(import.meta.url)(fileURLToPath(import.meta.resolve(ELD_MODULE))) as typeof import('eld/medium')).eld;
  return detector;
}

// Fewer letters than this and a language guess is noise.
const MIN_LETTERS = 20;

function languageOf(text: string): string | null {
  const sample = text.slice(0, LANGUAGE_SAMPLE_CHARS);
  let letters = 0;
  for (const ch of sample) if (/\p{L}/u.test(ch) && ++letters >= MIN_LETTERS) break;
  if (letters < MIN_LETTERS) return null;
  const found = loadedDetector().detect(sample);
  return found.language !== '' && found.isReliable() ? found.language : null;
}

export const language: Heuristic = (span, params) => {
  if (span.status !== 'ok') return notApplicable(`the call ended with status '${span.status}'`);
  const answer = answerOf(span);
  if (answer === null) return notApplicable(NO_OUTPUT);
  let expected = params.language?.toLowerCase() ?? null;
  let from = 'the evaluator';
  if (expected === null) {
    const input = span.content?.input;
    if (!input) return notApplicable('no expected language is set and no prompt was captured to take it from');
    expected = languageOf(lastUserText(input));
    if (expected === null) return notApplicable("the prompt's language could not be told (too short or mixed)");
    from = 'the prompt';
  }
  const got = languageOf(answer.text);
  if (got === null) return notApplicable("the answer's language could not be told (too short or mixed)");
  return got === expected ? passed(`the answer is in '${got}', as ${from} expects`) : failed(`the answer is in '${got}', ${from} expects '${expected}'`);
};
