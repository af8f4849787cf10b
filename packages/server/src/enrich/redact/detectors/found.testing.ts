import { Redactor } from '../redactor.ts';
import { defaultRedactionSettings } from '../types.ts';

// For the detector tests: what the redactor (default settings) finds in a text, as
// "detector value" pairs.
const redactor = new Redactor(defaultRedactionSettings());

export function found(text: string): string[] {
  return redactor.scan(text).map((f) => `${f.detector} ${text.slice(f.start, f.end)}`);
}
