// The canonical text the injection rules match. Attackers hide trigger words behind Unicode
// tricks (zero-width characters inside words, fullwidth or mathematical letters, Cyrillic and
// Greek look-alikes, combining marks, bidi overrides, invisible tag characters), so the rules
// match a folded form; what the folding found is reported too, because needing it is evidence.

export interface NormalizedText {
  text: string; // NFKC, look-alikes folded, marks and invisible characters removed, lowercase, whitespace collapsed
  // ASCII smuggled in Unicode tag characters (U+E0020..U+E007E), decoded; '' when there is none.
  tagText: string;
  signals: { zeroWidthInWord: boolean; bidiOverride: boolean; homoglyphs: boolean; tagCharacters: boolean };
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;
// Zero-width and invisible format characters that split a word without showing.
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0]/g;
const ZERO_WIDTH_IN_WORD = /[a-z][\u00ad\u200b-\u200d\u2060\ufeff]+[a-z]/i;
// Left-to-right and right-to-left overrides reorder what a reader sees; embeddings, isolates and
// the LRM/RLM marks are ordinary in Arabic and Hebrew text.
const BIDI_OVERRIDE = /[\u202d\u202e]/;
// Tag characters outside a flag sequence (U+1F3F4 followed by tags is the flag of a subdivision).
const TAG_RUN = /(\u{1f3f4}?)([\u{e0000}-\u{e007f}]+)/gu;
const COMBINING_MARK = /\p{M}/gu;
// Runs of whitespace other than a lone space (most text has only those: nothing to replace).
const SPACES = /(?: [^\S\n]|[^\S\n ])[^\S\n]*/g;
const NEWLINES = / ?\n\s*/g;

// Cyrillic and Greek letters that render like Latin ones (after NFKC, before lowercasing).
const LOOKALIKES: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  ѕ: 's', і: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l', ɡ: 'g',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', Ѕ: 'S', І: 'I', Ј: 'J',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};
const LOOKALIKE_CLASS = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'g');
// A word that mixes Latin letters with look-alikes: the trick, not Russian or Greek prose.
const MIXED_WORD = new RegExp(`[a-z][${Object.keys(LOOKALIKES).join('')}]|[${Object.keys(LOOKALIKES).join('')}][a-z]`, 'i');

export function collapse(lowercased: string): string {
  return lowercased.replace(SPACES, ' ').replace(NEWLINES, '\n');
}

export function normalizeForRules(raw: string): NormalizedText {
  const signals = { zeroWidthInWord: false, bidiOverride: false, homoglyphs: false, tagCharacters: false };
  // Most prompts are plain ASCII: nothing to fold.
  if (ASCII_ONLY.test(raw)) return { text: collapse(raw.toLowerCase()), tagText: '', signals };

  let tagText = '';
  let text = raw.replace(TAG_RUN, (_all, flag: string, tags: string) => {
    if (flag) return flag;
    signals.tagCharacters = true;
    for (const ch of tags) {
      const code = ch.codePointAt(0)! - 0xe0000;
      if (code >= 0x20 && code < 0x7f) tagText += String.fromCharCode(code);
    }
    return '';
  });
  signals.zeroWidthInWord = ZERO_WIDTH_IN_WORD.test(text);
  signals.bidiOverride = BIDI_OVERRIDE.test(text);
  text = text.replace(INVISIBLE, '').normalize('NFKC');
  if (MIXED_WORD.test(text)) {
    signals.homoglyphs = true;
    text = text.replace(LOOKALIKE_CLASS, (ch) => LOOKALIKES[ch] ?? ch);
  }
  text = text.normalize('NFD').replace(COMBINING_MARK, '');
  return { text: collapse(text.toLowerCase()), tagText, signals };
}
