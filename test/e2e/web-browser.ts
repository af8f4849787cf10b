import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { expect } from 'vitest';
import { e2eRequired, findBinary, makeTempDir, repoRoot, runProgram } from './harness.ts';

// What the Chromium e2e files share: Debian's chromium through playwright-core, the UI built from
// the source tree for the run, and where screenshots go (test-artifacts/web/ or
// LOOKOUT_E2E_ARTIFACTS).

export const CHROMIUM = findBinary('chromium');
export const ARTIFACTS = process.env.LOOKOUT_E2E_ARTIFACTS ?? join(repoRoot, 'test-artifacts', 'web');

if (!CHROMIUM && e2eRequired) throw new Error('REQUIRE_E2E=1 but chromium is not installed (scripts/install-e2e-deps.sh installs it)');

// Builds the web UI into a fresh temporary directory and returns it (LOOKOUT_WEB_DIST).
export async function buildWebUi(name: string): Promise<string> {
  const distDir = await makeTempDir(`${name}-dist`);
  const build = await runProgram('vite build', process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', join(repoRoot, 'packages', 'web'), '--outDir', distDir, '--emptyOutDir'], {
    timeoutMs: 120_000,
  });
  expect(build.code, build.output).toBe(0);
  return distDir;
}

export async function launchChromium(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}
