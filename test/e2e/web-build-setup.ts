import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

// The end-to-end run's one build of the web UI: the Chromium files each used to build it again
// (about 40 s apiece). This names a directory for the run; the first file that needs the UI
// builds into it (files run one after another), the others reuse it, and it is removed at the end.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'lookout-e2e-web-'));
  project.provide('webUiDist', dir);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    webUiDist: string;
  }
}
