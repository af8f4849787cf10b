import { RE2JS } from 're2js';
import { LookoutError } from '../../../errors.ts';
import { MAX_CUSTOM_PATTERN_CHARS } from '../settings.ts';
import type { CustomPattern } from '../types.ts';
import type { Detector, Match } from './detector.ts';

// A project's own patterns, in RE2 syntax and run by re2js: matching is linear in the text
// whatever the pattern (no backreferences, no lookaround), so a pattern typed in the settings
// cannot stall ingest.

const EMPTY_MATCH_PROBES = ['', 'a', ' a b ', 'x1 -.', 'Zz9_é'];

type Compiled = { ok: true; re: RE2JS } | { ok: false; message: string };

function compile(p: CustomPattern): Compiled {
  if (p.pattern.length === 0) return { ok: false, message: 'is empty' };
  if (p.pattern.length > MAX_CUSTOM_PATTERN_CHARS) {
    return { ok: false, message: `is ${p.pattern.length} characters long; the limit is ${MAX_CUSTOM_PATTERN_CHARS}` };
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(p.pattern);
  } catch (err) {
    return { ok: false, message: `is not a valid RE2 expression: ${(err as Error).message}` };
  }
  // A pattern that can match nothing would "find" a value at every position; `\b` or `x*` match
  // nothing inside a text even where they do not match the empty text.
  for (const probe of EMPTY_MATCH_PROBES) {
    const m = re.matcher(probe);
    while (m.find()) if (m.start() === m.end()) return { ok: false, message: 'matches the empty string' };
  }
  return { ok: true, re };
}

// The message completes a sentence about the pattern: "the pattern 'x' <message>".
export function compileCustomPattern(p: CustomPattern): { ok: true } | { ok: false; message: string } {
  const c = compile(p);
  return c.ok ? { ok: true } : c;
}

export function customDetector(p: CustomPattern): Detector {
  const c = compile(p);
  if (!c.ok) throw new LookoutError('invalid_config', `the custom pattern '${p.name}' ${c.message}`, { details: { pattern: p.name } });
  const re = c.re;
  const detector = `custom:${p.name}`;
  return {
    gate: () => true,
    find(text, out: Match[]) {
      const m = re.matcher(text);
      while (m.find()) {
        const start = m.start();
        const end = m.end();
        if (end > start) out.push({ type: 'custom', detector, start, end });
      }
    },
  };
}
