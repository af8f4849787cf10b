import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseRuleText, type RuleLoadResult } from './load.ts';

// F2: the default rule pack ships as a rule file next to this module (docs/alerts.md lists it).
export const DEFAULT_PACK_PATH = fileURLToPath(new URL('./default-pack.yaml', import.meta.url));

// Errors name the file as `default-pack.yaml`; a non-empty list is a bug in the pack (pack.test.ts).
export async function loadDefaultPack(): Promise<RuleLoadResult> {
  return parseRuleText(await readFile(DEFAULT_PACK_PATH, 'utf8'), 'default-pack.yaml');
}
