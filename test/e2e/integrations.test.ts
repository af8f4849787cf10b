// The integration guides (docs/integrations/*.md) are their own test: the JavaScript a page shows
// is the program that runs here, so a guide cannot drift from what works. A page's ```js test
// blocks are joined in order into one ES module, run with Node against a Lookout child process
// and a fake OpenAI upstream, and the spans it sent are read back: model, tokens, cost (against
// the pricing catalog) and attribution, as the page promises. Python blocks are compiled and YAML
// blocks parsed and checked for their shape; there is no Python SDK, LiteLLM or collector here.
//
// The third-party packages come from test/e2e/instrumentations (its own install, OpenTelemetry JS
// SDK 2.x): the snippet runs from a temporary directory whose node_modules links there, so the
// page's bare imports resolve as in a user's project. Without that install the tests skip (fail
// under REQUIRE_E2E=1).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { CHAT_USAGE, RESPONSES_USAGE, STREAM_USAGE, startFakeOpenAI, type FakeUpstream } from './fake-openai.ts';
import { e2eRequired, makeTempDir, removeTempDir, repoRoot, requireBinary, runProgram, startLookout, type LookoutServer } from './harness.ts';

const pagesDir = join(repoRoot, 'docs/integrations');
const installDir = join(repoRoot, 'test/e2e/instrumentations');
const JS_LANGUAGES = new Set(['js', 'javascript', 'mjs', 'cjs', 'jsx', 'ts', 'typescript', 'tsx']);
const OPENAI_SNAPSHOT = 'gpt-4o-mini-2024-07-18';
// What every page's snippet attributes its calls to.
const ATTRIBUTION = { userId: 'alice', sessionId: 'chat-42', application: 'support-bot' };

interface Fence {
  language: string;
  marks: string[];
  code: string;
  line: number;
}

interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

interface StoredSpan {
  name: string;
  kind: string;
  startUs: number;
  provider: string | null;
  requestModel: string | null;
  responseModel: string | null;
  usage: Usage;
  cost: { status: string; totalNanoUsd: number | null };
  attribution: { userId: string | null; sessionId: string | null; application: string | null };
}

// A model call a page promises, in the order the snippet makes them. `billed` is what the
// provider bills (prompt tokens including cached ones, output including reasoning).
interface Generation {
  name: string;
  provider: string | null;
  requestModel: string;
  responseModel: string | null;
  usage: Partial<Usage>;
  billed: { input: number; cacheRead: number; output: number };
}

const chat = (name: string, models: Pick<Generation, 'provider' | 'requestModel' | 'responseModel'>): Generation => ({
  name,
  ...models,
  usage: { input: CHAT_USAGE.prompt_tokens - CHAT_USAGE.prompt_tokens_details.cached_tokens, cacheRead: CHAT_USAGE.prompt_tokens_details.cached_tokens, output: CHAT_USAGE.completion_tokens },
  billed: { input: CHAT_USAGE.prompt_tokens, cacheRead: CHAT_USAGE.prompt_tokens_details.cached_tokens, output: CHAT_USAGE.completion_tokens },
});
const streamed = (name: string, models: Pick<Generation, 'provider' | 'requestModel' | 'responseModel'>): Generation => ({
  name,
  ...models,
  usage: { input: STREAM_USAGE.prompt_tokens, cacheRead: 0, output: STREAM_USAGE.completion_tokens },
  billed: { input: STREAM_USAGE.prompt_tokens, cacheRead: 0, output: STREAM_USAGE.completion_tokens },
});
const openaiSnapshot = { provider: 'openai', requestModel: 'gpt-4o-mini', responseModel: OPENAI_SNAPSHOT };

// What each page's JavaScript must produce in Lookout: its model calls, and how many spans in all.
const EXPECTED: Record<string, { spans: number; generations: Generation[] }> = {
  'openllmetry.md': {
    spans: 2,
    // @traceloop/instrumentation-openai 0.27 reports no cached tokens: all 1,200 at the uncached rate.
    generations: [{
      name: 'chat gpt-4o-mini',
      ...openaiSnapshot,
      usage: { input: CHAT_USAGE.prompt_tokens, cacheRead: 0, output: CHAT_USAGE.completion_tokens },
      billed: { input: CHAT_USAGE.prompt_tokens, cacheRead: 0, output: CHAT_USAGE.completion_tokens },
    }],
  },
  // OpenInference's one llm.model_name holds the response's model.
  'openinference.md': { spans: 1, generations: [chat('OpenAI Chat Completions', { provider: 'openai', requestModel: OPENAI_SNAPSHOT, responseModel: null })] },
  'vercel-ai-sdk.md': { spans: 4, generations: [chat('ai.generateText.doGenerate', openaiSnapshot), streamed('ai.streamText.doStream', openaiSnapshot)] },
  'langchain-js.md': {
    spans: 2,
    generations: [chat('ChatOpenAI', { provider: null, requestModel: 'gpt-4o-mini', responseModel: null }), streamed('ChatOpenAI', { provider: null, requestModel: 'gpt-4o-mini', responseModel: null })],
  },
  'openai-agents.md': {
    spans: 5,
    generations: [{
      name: 'response',
      provider: 'openai',
      requestModel: OPENAI_SNAPSHOT,
      responseModel: null,
      usage: {
        input: RESPONSES_USAGE.input_tokens - RESPONSES_USAGE.input_tokens_details.cached_tokens,
        cacheRead: RESPONSES_USAGE.input_tokens_details.cached_tokens,
        output: RESPONSES_USAGE.output_tokens - RESPONSES_USAGE.output_tokens_details.reasoning_tokens,
        reasoning: RESPONSES_USAGE.output_tokens_details.reasoning_tokens,
      },
      billed: { input: RESPONSES_USAGE.input_tokens, cacheRead: RESPONSES_USAGE.input_tokens_details.cached_tokens, output: RESPONSES_USAGE.output_tokens },
    }],
  },
};

// The fenced blocks of a Markdown page: the info string's first word is the language, the rest
// are marks (`test`).
function fencesOf(markdown: string): Fence[] {
  const fences: Fence[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [language = '', ...marks] = open[2]!.trim().split(/\s+/);
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && lines[j]!.trimEnd() !== open[1]) body.push(lines[j++]!);
    if (j === lines.length) throw new Error(`unclosed code fence at line ${i + 1}`);
    fences.push({ language: language.toLowerCase(), marks, code: `${body.join('\n')}\n`, line: i + 1 });
    i = j;
  }
  return fences;
}

const pages = readdirSync(pagesDir)
  .filter((name) => name.endsWith('.md'))
  .sort()
  .map((name) => ({ name, markdown: readFileSync(join(pagesDir, name), 'utf8') }))
  .map((page) => ({ ...page, fences: fencesOf(page.markdown) }));
const pageNamed = (name: string) => {
  const page = pages.find((p) => p.name === name);
  if (!page) throw new Error(`docs/integrations/${name} is missing`);
  return page;
};
const runnable = (fences: Fence[]) => fences.filter((f) => JS_LANGUAGES.has(f.language) && f.marks.includes('test'));

function catalogNano(model: string, billed: Generation['billed']): number {
  const price = calcPrice({ input_tokens: billed.input, cache_read_tokens: billed.cacheRead, output_tokens: billed.output }, model, { providerId: 'openai' });
  if (!price) throw new Error(`no catalog price for openai/${model}`);
  return price.total_price * 1e9;
}

let missing: string | undefined;
let lookout: LookoutServer | undefined;
let upstream: FakeUpstream | undefined;
let workDir = '';

beforeAll(async () => {
  if (!existsSync(join(installDir, 'node_modules'))) {
    missing = 'test/e2e/instrumentations/node_modules is missing (npm ci --prefix test/e2e/instrumentations installs it)';
    if (e2eRequired) throw new Error(`REQUIRE_E2E=1 but ${missing}`);
    console.warn(`skipping: ${missing}`);
    return;
  }
  workDir = await makeTempDir('integrations');
  await symlink(join(installDir, 'node_modules'), join(workDir, 'node_modules'), 'dir');
  lookout = await startLookout({ dataDir: join(workDir, 'data') });
  upstream = await startFakeOpenAI();
});

afterAll(async () => {
  await lookout?.stop();
  await upstream?.close();
  if (workDir) await removeTempDir(workDir);
});

describe('docs/integrations', () => {
  it('every JavaScript block on the pages is run, and every page is in the index', () => {
    const unmarked = pages.flatMap((p) => p.fences.filter((f) => JS_LANGUAGES.has(f.language) && !f.marks.includes('test')).map((f) => `${p.name}:${f.line}`));
    expect(unmarked, 'JavaScript blocks without the `test` mark').toEqual([]);
    const withJs = pages.filter((p) => runnable(p.fences).length > 0).map((p) => p.name);
    expect(withJs).toEqual(Object.keys(EXPECTED).sort());
    const index = pageNamed('README.md').markdown;
    for (const page of pages.filter((p) => p.name !== 'README.md')) expect(index, `README.md links ${page.name}`).toContain(`](${page.name})`);
  });

  for (const [pageName, expected] of Object.entries(EXPECTED)) {
    it(`${pageName}: its JavaScript sends spans with model, tokens, cost and attribution`, async (ctx) => {
      if (missing) return ctx.skip(missing);
      const program = runnable(pageNamed(pageName).fences).map((f) => f.code).join('\n');
      const file = join(workDir, pageName.replace(/\.md$/, '.mjs'));
      await writeFile(file, program);
      const since = new Date().toISOString();
      // Run as an application runs, not under the test runner's NODE_ENV=test (with which the
      // Agents SDK records no traces at all).
      const { NODE_ENV: _testRunner, ...env } = process.env;
      const run = await runProgram(pageName, process.execPath, [file], {
        env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: lookout!.url, OPENAI_BASE_URL: `${upstream!.url}/v1`, OPENAI_API_KEY: 'sk-test' },
        timeoutMs: 60_000,
      });
      expect(run.code, run.output).toBe(0);
      // The snippet printed the fake upstream's answer: its calls went through.
      expect(run.stdout).toContain('It ships tomorrow.');

      const res = await fetch(`${lookout!.url}/api/v1/spans?from=${encodeURIComponent(since)}&application=support-bot&limit=1000`);
      expect(res.status, await res.clone().text()).toBe(200);
      const spans = ((await res.json()) as { spans: StoredSpan[] }).spans.sort((a, b) => a.startUs - b.startUs);
      const summary = JSON.stringify(spans.map((s) => [s.name, s.kind, s.requestModel, s.usage, s.cost.totalNanoUsd]));
      expect(spans, summary).toHaveLength(expected.spans);
      // Attribution set once by the snippet reaches every span of its trace.
      for (const span of spans) expect(span.attribution, span.name).toMatchObject(ATTRIBUTION);

      const generations = spans.filter((s) => s.kind === 'generation');
      expect(generations.map((g) => g.name), summary).toEqual(expected.generations.map((g) => g.name));
      expected.generations.forEach((want, i) => {
        const got = generations[i]!;
        expect({ provider: got.provider, requestModel: got.requestModel, responseModel: got.responseModel }, got.name).toEqual({
          provider: want.provider,
          requestModel: want.requestModel,
          responseModel: want.responseModel,
        });
        expect(got.usage, got.name).toMatchObject(want.usage);
        expect(got.cost.status, got.name).toBe('priced');
        const nano = catalogNano(got.responseModel ?? got.requestModel!, want.billed);
        expect(Math.abs(got.cost.totalNanoUsd! - nano), `${got.name}: ${got.cost.totalNanoUsd} vs catalog ${nano}`).toBeLessThan(5);
      });
      // Spans that are not model calls claim no cost, not even $0.
      for (const span of spans.filter((s) => s.kind !== 'generation')) expect(span.cost.totalNanoUsd, span.name).toBeNull();
    });
  }

  it('the Python blocks compile, and their pages say they are checked for syntax only', async (ctx) => {
    const python = requireBinary('python3', ctx);
    const dir = await makeTempDir('integrations-python');
    try {
      const blocks = pages.flatMap((p) => p.fences.filter((f) => f.language === 'python').map((f) => ({ page: p, fence: f })));
      expect(blocks.map((b) => b.page.name)).toEqual(expect.arrayContaining(['litellm.md', 'openllmetry.md']));
      for (const { page, fence } of blocks) {
        expect(page.markdown, page.name).toMatch(/syntax only/);
        const file = join(dir, `${page.name.replace(/\.md$/, '')}-${fence.line}.py`);
        await writeFile(file, fence.code);
        const compiled = await runProgram('py_compile', python, ['-m', 'py_compile', file], { timeoutMs: 30_000 });
        expect(compiled.code, `${page.name}:${fence.line}\n${compiled.output}`).toBe(0);
      }
    } finally {
      await removeTempDir(dir);
    }
  });

  it('otel-collector.md: the collector forwards OTLP to Lookout over OTLP/HTTP, with retries and a queue', () => {
    const page = pageNamed('otel-collector.md');
    expect(page.markdown).toMatch(/not run in CI|no\s+collector binary is run in CI/);
    const blocks = page.fences.filter((f) => f.language === 'yaml');
    expect(blocks).toHaveLength(1);
    const config = parseYaml(blocks[0]!.code) as Record<string, Record<string, any>>;
    expect(Object.keys(config.receivers ?? {})).toContain('otlp');
    const [exporterId, exporter] = Object.entries(config.exporters ?? {}).find(([id]) => id === 'otlphttp' || id.startsWith('otlphttp/')) ?? [];
    expect(exporterId, 'an otlphttp exporter').toBeDefined();
    // The base URL on Lookout's OTLP port: the exporter adds /v1/traces itself.
    expect(exporter.endpoint).toMatch(/^https?:\/\/[^/]+:4318$/);
    expect(exporter.retry_on_failure).toMatchObject({ enabled: true });
    expect(exporter.sending_queue).toMatchObject({ enabled: true });
    const defined = (section: string) => Object.keys(config[section] ?? {});
    for (const id of config.service?.extensions ?? []) expect(defined('extensions')).toContain(id);
    if (exporter.sending_queue.storage) expect(config.service?.extensions).toContain(exporter.sending_queue.storage);
    const pipelines = config.service?.pipelines ?? {};
    expect(Object.keys(pipelines)).toContain('traces');
    for (const [name, pipeline] of Object.entries<Record<string, string[]>>(pipelines)) {
      expect(pipeline.exporters, name).toContain(exporterId);
      for (const section of ['receivers', 'processors', 'exporters']) {
        for (const id of pipeline[section] ?? []) expect(defined(section), `${name}.${section}`).toContain(id);
      }
    }
  });

  it("litellm.md: the proxy's OpenAI models go through Lookout's gateway", () => {
    const page = pageNamed('litellm.md');
    const blocks = page.fences.filter((f) => f.language === 'yaml');
    expect(blocks).toHaveLength(1);
    const config = parseYaml(blocks[0]!.code) as { model_list?: Array<{ model_name?: string; litellm_params?: Record<string, any> }> };
    expect(config.model_list?.length).toBeGreaterThan(0);
    for (const entry of config.model_list!) {
      expect(entry.model_name, JSON.stringify(entry)).toEqual(expect.any(String));
      expect(entry.litellm_params?.model).toMatch(/^openai\//);
      expect(entry.litellm_params?.api_base).toMatch(/^https?:\/\/[^/]+:4318\/proxy\/openai\/v1$/);
      for (const header of Object.keys(entry.litellm_params?.extra_headers ?? {})) expect(header).toMatch(/^x-lookout-(user|session|feature|team|tags|metadata|key)$/);
    }
  });
});
