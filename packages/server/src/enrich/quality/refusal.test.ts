import { describe, expect, it } from 'vitest';
import { makeSpan } from '../../testing/fixtures.ts';
import { REFUSAL_PHRASES, REFUSAL_PHRASES_VERSION } from './refusal-phrases.ts';
import { REFUSAL_OPENING_CHARS, refusalInText, refusalOf } from './refusal.ts';

// How models decline, in each language of the phrase set (written as they write it: capitals,
// typographic apostrophes), and answers that only sound like it.
const REFUSALS: Record<string, string[]> = {
  en: ['I’m sorry, but I can’t help with that request.', 'I cannot assist with that.', 'As an AI language model, I cannot provide medical diagnoses.'],
  de: ['Es tut mir leid, aber ich kann Ihnen bei dieser Anfrage nicht helfen.', 'Dabei kann ich nicht helfen.'],
  fr: ['Je suis désolé, mais je ne peux pas vous aider avec cette demande.', 'Désolé, mais je ne peux pas répondre à cela.'],
  es: ['Lo siento, pero no puedo ayudarte con eso.', 'No puedo proporcionar esa información.'],
  pt: ['Desculpe, mas não posso ajudar com isso.', 'Não posso fornecer essas informações.'],
  it: ['Mi dispiace, ma non posso aiutarti con questo.', 'Non posso fornire queste informazioni.'],
  nl: ['Het spijt me, maar ik kan je daar niet mee helpen.', 'Daar kan ik je niet mee helpen.'],
};

const ANSWERS = [
  'The capital of France is Paris.',
  "I can't be sure, but the meeting is probably on Tuesday.",
  'Die Hauptstadt von Frankreich ist Paris.',
  'Claro, aquí tienes la receta: mezcla la harina con el agua.',
  // A refusal quoted deep into a long answer is still an answer.
  `${'Here is the summary of the support thread you asked for. '.repeat(10)} The customer wrote: "I'm sorry, but I can't pay".`,
];

describe('refusal detection', () => {
  it('has a versioned phrase set for at least seven languages, written lower case with plain apostrophes', () => {
    expect(REFUSAL_PHRASES_VERSION).toMatch(/\S/);
    for (const lang of ['en', 'de', 'fr', 'es', 'pt', 'it', 'nl']) expect(REFUSAL_PHRASES[lang]?.length, lang).toBeGreaterThan(5);
    for (const phrases of Object.values(REFUSAL_PHRASES)) for (const p of phrases) expect(p).toBe(p.toLowerCase().replace(/[’‘]/g, "'"));
  });

  for (const [lang, texts] of Object.entries(REFUSALS)) {
    it(`finds refusals in ${lang}`, () => {
      for (const text of texts) expect(refusalInText(text), text).toMatchObject({ by: 'phrase', language: lang });
    });
  }

  it('does not take answers for refusals', () => {
    for (const text of ANSWERS) expect(refusalInText(text), text).toBeNull();
    expect(ANSWERS[4].length).toBeGreaterThan(REFUSAL_OPENING_CHARS);
  });

  it('takes a refusal finish reason as a refusal whatever the text, in any case', () => {
    for (const finishReason of ['content_filter', 'refusal', 'SAFETY', 'guardrail_intervened']) {
      expect(refusalOf(makeSpan({ finishReason, content: { input: 'x', output: 'Sure!' } })), finishReason).toMatchObject({ by: 'finish_reason' });
    }
    expect(refusalOf(makeSpan({ finishReason: 'stop', content: { input: 'x', output: 'Sure!' } }))).toBeNull();
    expect(refusalOf(makeSpan({ finishReason: 'stop', content: null }))).toBeNull();
  });
});
