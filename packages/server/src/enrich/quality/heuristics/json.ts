import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { answerOf, jsonRequested } from './answer.ts';
import { failed, notApplicable, NO_OUTPUT, passed, unusable, type Heuristic, type Verdict } from './verdict.ts';

// invalid_json (the call asked for JSON: was the answer JSON?) and json_schema (does the answer
// conform to the evaluator's schema?). Answers longer than MAX_JSON_CHARS are not parsed: the
// check is skipped rather than letting one call hold the ingest path.

export const MAX_JSON_CHARS = 256 * 1024;
const MAX_COMPILED = 64;

type Parsed = { ok: true; value: unknown } | { ok: false; verdict: Verdict };

function parseAnswer(span: Parameters<Heuristic>[0]): Parsed {
  if (span.status !== 'ok') return { ok: false, verdict: notApplicable(`the call ended with status '${span.status}'`) };
  const answer = answerOf(span);
  if (answer === null) return { ok: false, verdict: notApplicable(NO_OUTPUT) };
  const text = answer.text.trim();
  if (text === '' && answer.toolCalls > 0) return { ok: false, verdict: notApplicable('the call answered with tool calls, not text') };
  if (text.length > MAX_JSON_CHARS) return { ok: false, verdict: notApplicable(`the answer is ${text.length} characters, more than the ${MAX_JSON_CHARS} checked`) };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const cut = span.finishReason === 'length' || span.finishReason === 'max_tokens' ? ` (cut short: finish reason '${span.finishReason}')` : '';
    // The parser's own message quotes the text; a score's comment never carries the answer.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    const what = text === '' ? 'the answer is empty' : `the answer (${text.length} characters) is not valid JSON${at === undefined ? '' : `: error at character ${at}`}`;
    return { ok: false, verdict: failed(`${what}${cut}`) };
  }
}

export const invalidJson: Heuristic = (span) => {
  if (!jsonRequested(span)) return notApplicable('the call did not ask for JSON (response_format, gen_ai.output.type)');
  const parsed = parseAnswer(span);
  return parsed.ok ? passed('the answer is valid JSON') : parsed.verdict;
};

// One validator per schema, kept while the evaluator object lives (the evaluators service hands
// out the same objects until a definition changes) and by the schema's text otherwise.
const ajv = new Ajv({ strict: false, allErrors: false, logger: false });
addFormats.default(ajv);
const bySchema = new WeakMap<object, ValidateFunction | string>();
const byText = new Map<string, ValidateFunction | string>();

function validatorOf(schema: unknown): ValidateFunction | string {
  const key = typeof schema === 'object' && schema !== null ? schema : null;
  const held = key ? bySchema.get(key) : undefined;
  if (held !== undefined) return held;
  const text = JSON.stringify(schema);
  let v = byText.get(text);
  if (v === undefined) {
    try {
      v = ajv.compile(schema as object);
    } catch (err) {
      v = `the schema is not a valid JSON Schema: ${(err as Error).message}`;
    }
    // ajv keeps what it compiled; remove it when the validator leaves the cache.
    byText.set(text, v);
    if (byText.size > MAX_COMPILED) {
      const [oldText, old] = byText.entries().next().value!;
      byText.delete(oldText);
      if (typeof old !== 'string') ajv.removeSchema(old.schema as object);
    }
  }
  if (key) bySchema.set(key, v);
  return v;
}

export const jsonSchema: Heuristic = (span, params) => {
  if (params.schema === undefined || params.schema === null) return unusable('a json_schema evaluator needs a schema');
  const validate = validatorOf(params.schema);
  if (typeof validate === 'string') return unusable(validate);
  const parsed = parseAnswer(span);
  if (!parsed.ok) return parsed.verdict;
  if (validate(parsed.value)) return passed('the answer conforms to the schema');
  return failed(`the answer does not conform to the schema: ${ajv.errorsText(validate.errors, { dataVar: 'answer' }).slice(0, 500)}`);
};
