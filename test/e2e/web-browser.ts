import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { e2eRequired, findBinary, makeTempDir, removeTempDir, repoRoot, runProgram, startLookout, type LookoutServer } from './harness.ts';

// What the Chromium e2e files share: Debian's chromium through playwright-core, the UI built from
// the source tree for the run, and where screenshots go (test-artifacts/web/ or
// LOOKOUT_E2E_ARTIFACTS).

export const CHROMIUM = findBinary('chromium');
export const ARTIFACTS = process.env.LOOKOUT_E2E_ARTIFACTS ?? join(repoRoot, 'test-artifacts', 'web');

if (!CHROMIUM && e2eRequired) throw new Error('REQUIRE_E2E=1 but chromium is not installed (scripts/install-e2e-deps.sh installs it)');

// The web UI built from the source tree for this run (LOOKOUT_WEB_DIST): built by the first file
// that asks, into the run's directory (test/e2e/web-build-setup.ts), and reused by the others.
// Servers only read it; the run's teardown removes it.
export async function buildWebUi(): Promise<string> {
  const distDir = inject('webUiDist');
  if (existsSync(join(distDir, 'index.html'))) return distDir;
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

export interface WebUiRun {
  readonly lookout: LookoutServer;
  readonly browser: Browser;
  readonly dataDir: string;
}

// For one file's tests: a `lookout serve` child process serving a fresh UI build, and a browser,
// started before the tests (when chromium is there) and stopped after them, their directories
// removed. Its fields are read inside tests.
export function webUiRun(name: string, env: Record<string, string> = {}): WebUiRun {
  let lookout: LookoutServer | undefined;
  let browser: Browser | undefined;
  let dataDir = '';
  beforeAll(async () => {
    if (!CHROMIUM) return;
    const distDir = await buildWebUi();
    dataDir = await makeTempDir(name);
    lookout = await startLookout({ dataDir, logLevel: 'warn', env: { LOOKOUT_WEB_DIST: distDir, ...env } });
    browser = await launchChromium();
  }, 200_000);
  afterAll(async () => {
    await browser?.close();
    await lookout?.stop();
    if (dataDir) await removeTempDir(dataDir);
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error(`${name}: the server and browser were not started`);
    return value;
  };
  return {
    get lookout() {
      return started(lookout);
    },
    get browser() {
      return started(browser);
    },
    get dataDir() {
      return dataDir;
    },
  };
}
