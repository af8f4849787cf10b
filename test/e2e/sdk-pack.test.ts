// The SDK as its users get it: `npm pack` of packages/sdk (its prepack builds dist/), installed
// into a fresh project outside the workspace with the openai client from the registry, running the
// quick start of its README (the npm page) with plain `node`: no workspace, no source condition,
// no TypeScript. The spans reach a Lookout child process with their cost; the openai client talks
// to a fake upstream. The same project type-checks the README against the packed declarations
// and loads the package with require().
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_USAGE, startFakeOpenAI, type FakeUpstream } from './fake-openai.ts';
import { findBinary, ManagedProcess, makeTempDir, pollUntil, removeTempDir, repoRoot, startLookout, type LookoutServer } from './harness.ts';

interface PackedFile {
  path: string;
}
interface StoredSpan {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  requestModel: string | null;
  responseModel: string | null;
  usage: { input: number; output: number; cacheRead: number };
  cost: { status: string; totalNanoUsd: number | null };
  attribution: { userId: string | null; feature: string | null; team: string | null; application: string | null };
  metadata: Record<string, string>;
}
interface StoredTrace {
  spans: StoredSpan[];
  scores: { name: string; spanId: string | null; source: string }[];
}

const sdkDir = join(repoRoot, 'packages', 'sdk');
const builtDir = join(sdkDir, 'dist');
// A dist/ someone built by hand stays; the test must not make one.
const builtBefore = existsSync(builtDir);
const stepTimeoutMs = 90_000;

// What a user's shell would have: none of the npm settings of the run that started this test, no
// Lookout or OpenAI settings, no NODE_OPTIONS (which could carry the workspace's conditions).
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|LOOKOUT_|OPENAI_)/i.test(key) || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

async function run(name: string, file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = userEnv()): Promise<ManagedProcess> {
  const child = new ManagedProcess(name, file, args, { cwd, env });
  const status = await child.waitForExit(stepTimeoutMs);
  if (status.code !== 0) throw new Error(`${name} failed\n${child.output()}`);
  return child;
}

// The first ```js block under the README's "## Quick start" heading, as published.
function quickStart(readme: string): string {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Quick start'));
  const code = section?.match(/```js\n([\s\S]*?)```/)?.[1];
  if (!code) throw new Error('packages/sdk/README.md has no ```js block under "## Quick start"');
  return code;
}

let lookout: LookoutServer | undefined;
let upstream: FakeUpstream | undefined;
let dir = '';
let npm = '';
let packed: PackedFile[] = [];
let appDir = '';

beforeAll(async () => {
  // npm installed this repository, so it is there wherever these tests run.
  const found = findBinary('npm');
  if (found === undefined) throw new Error('npm is not on PATH');
  npm = found;
  dir = await makeTempDir('sdk-pack');
  const packDir = join(dir, 'packs');
  appDir = join(dir, 'app');
  await mkdir(packDir);
  await mkdir(appDir);

  // Packed from a copy of the package and the client it compiles in (tsconfig.client.json), beside
  // the repository's node_modules: a dist/ built in the tree would be what plain `node` loads
  // there, silently, long after the source changed.
  const copyDir = join(dir, 'copy');
  const noBuild = (path: string) => !/[\\/](dist|node_modules)$/.test(path);
  for (const pkg of ['sdk', 'client']) await cp(join(repoRoot, 'packages', pkg), join(copyDir, 'packages', pkg), { recursive: true, filter: noBuild });
  await symlink(join(repoRoot, 'node_modules'), join(copyDir, 'node_modules'), 'dir');
  const pack = await run('npm pack', npm, ['pack', '--json', '--pack-destination', packDir], join(copyDir, 'packages', 'sdk'));
  const [result] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('['))) as { filename: string; files: PackedFile[] }[];
  packed = result.files;

  // The openai version the repository tests with, so the install finds it in the npm cache.
  const openaiVersion = (JSON.parse(readFileSync(join(repoRoot, 'node_modules', 'openai', 'package.json'), 'utf8')) as { version: string }).version;
  const manifest = { name: 'sdk-pack-app', private: true, type: 'module', dependencies: { '@lookout/sdk': `file:${join(packDir, result.filename)}`, openai: openaiVersion } };
  await writeFile(join(appDir, 'package.json'), JSON.stringify(manifest, null, 2));
  await run('npm install', npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], appDir);
  await writeFile(join(appDir, 'quickstart.mjs'), quickStart(readFileSync(join(sdkDir, 'README.md'), 'utf8')));

  lookout = await startLookout({ dataDir: join(dir, 'data') });
  upstream = await startFakeOpenAI();
}, 240_000);

afterAll(async () => {
  await lookout?.stop();
  await upstream?.close();
  if (dir) await removeTempDir(dir);
});

describe('@lookout/sdk packed and installed outside the workspace', () => {
  it('builds outside the tree, leaving no dist/ in packages/sdk', () => {
    expect(existsSync(builtDir)).toBe(builtBefore);
  });

  it('packs the build, the README and the CHANGELOG, not the source or the workspace client', () => {
    const paths = packed.map((f) => f.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/client/index.js', 'dist/client/index.d.ts']));
    expect(paths.filter((p) => !p.startsWith('dist/') && !['package.json', 'README.md', 'CHANGELOG.md'].includes(p))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    const installed = JSON.parse(readFileSync(join(appDir, 'node_modules', '@lookout', 'sdk', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(installed.dependencies).filter((d) => d.startsWith('@lookout/'))).toEqual([]);
  });

  it("runs the README's quick start with plain node: the trace reaches Lookout priced from the catalog", async () => {
    const env = userEnv({ LOOKOUT_ENDPOINT: lookout!.url, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${upstream!.url}/v1` });
    const quick = await run('node quickstart.mjs', process.execPath, ['quickstart.mjs'], appDir, env);
    expect(quick.stdout.trim()).toBe('It ships tomorrow.'); // the fake upstream's answer, printed by the README's code
    expect(upstream!.requests.filter((r) => r.url === '/v1/chat/completions')).toHaveLength(1);

    const trace = await pollUntil(
      'the quick start trace with its score',
      async () => {
        const list = (await (await fetch(`${lookout!.url}/api/v1/traces`)).json()) as { traces: { traceId: string }[] };
        if (list.traces.length === 0) return undefined;
        expect(list.traces).toHaveLength(1);
        const t = (await (await fetch(`${lookout!.url}/api/v1/traces/${list.traces[0].traceId}`)).json()) as StoredTrace;
        return t.spans.length >= 3 && t.scores.length >= 1 ? t : undefined;
      },
      { timeoutMs: 20_000, context: () => lookout!.output() },
    );

    const root = trace.spans.find((s) => s.name === 'answer')!;
    const retrieval = trace.spans.find((s) => s.kind === 'retrieval')!;
    const generation = trace.spans.find((s) => s.kind === 'generation')!;
    expect(root.parentSpanId).toBeNull();
    expect(retrieval.parentSpanId).toBe(root.spanId);
    expect(retrieval.metadata).toMatchObject({ 'retrieval.index': 'kb', 'retrieval.result_count': '2', 'retrieval.top_score': '0.82' });
    expect(generation.parentSpanId).toBe(root.spanId);
    // serviceName is the application a span is attributed to when the code names none.
    for (const s of trace.spans) expect(s.attribution, s.name).toMatchObject({ userId: 'user-42', feature: 'support-chat', team: 'cx', application: 'shop-api' });

    // 1,200 prompt tokens of which 1,024 cached: 176 input + 1,024 cache read, each charged once.
    expect(generation.requestModel).toBe('gpt-4o-mini');
    expect(generation.usage).toMatchObject({ input: CHAT_USAGE.prompt_tokens - 1024, cacheRead: 1024, output: CHAT_USAGE.completion_tokens });
    expect(generation.cost.status).toBe('priced');
    const catalog = calcPrice({ input_tokens: CHAT_USAGE.prompt_tokens, cache_read_tokens: 1024, output_tokens: CHAT_USAGE.completion_tokens }, generation.responseModel!, { providerId: 'openai' });
    expect(catalog).toBeTruthy();
    expect(Math.abs(generation.cost.totalNanoUsd! - catalog!.total_price * 1e9)).toBeLessThan(5);

    expect(trace.scores).toEqual([expect.objectContaining({ name: 'retrieved', source: 'sdk', spanId: root.spanId })]);
  });

  it("type-checks the README's quick start and the budget types against the packed declarations", async () => {
    // The budget answer is typed from Lookout's OpenAPI document, carried in dist/client/: were
    // the "#client" import unresolved, it would be `any` and the expected error would not occur.
    await writeFile(
      join(appDir, 'types.ts'),
      [
        "import { checkBudget, type BudgetCheckResult } from '@lookout/sdk';",
        'export const verdict: BudgetCheckResult = await checkBudget({ user: "user-42", timeoutMs: 500 });',
        'export const allowed: boolean = verdict.allowed;',
        '// @ts-expect-error budgets is a typed array, not a number',
        'export const wrong: number = verdict.budgets;',
        '',
      ].join('\n'),
    );
    const compilerOptions = {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2023',
      lib: ['es2023'],
      allowJs: true,
      checkJs: true,
      noEmit: true,
      strict: true,
      noImplicitAny: false, // the README's JavaScript has untyped parameters
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(repoRoot, 'node_modules', '@types')],
    };
    await writeFile(join(appDir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['quickstart.mjs', 'types.ts'] }, null, 2));
    await run('tsc', process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], appDir);
  });

  it('loads with require() from CommonJS', async () => {
    const script = "const sdk = require('@lookout/sdk'); for (const f of ['init', 'wrapOpenAI', 'withContext', 'score', 'checkBudget']) if (typeof sdk[f] !== 'function') throw new Error(f + ' missing'); console.log('ok');";
    await writeFile(join(appDir, 'require.cjs'), script);
    const required = await run('node require.cjs', process.execPath, ['require.cjs'], appDir);
    expect(required.stdout.trim()).toBe('ok');
  });
});
