import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SDK_VERSION } from './core.ts';

// The version is stated three times: package.json (what npm publishes), SDK_VERSION (the
// instrumentation scope every span carries) and the CHANGELOG. A release changes all three.
const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

describe('the SDK version', () => {
  it('is the same in package.json, the spans and the CHANGELOG', () => {
    const { version } = JSON.parse(read('package.json')) as { version: string };
    expect(SDK_VERSION).toBe(version);
    expect(read('CHANGELOG.md')).toMatch(new RegExp(`^## \\[${version.replaceAll('.', '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'));
  });
});
