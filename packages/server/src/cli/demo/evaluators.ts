import type { Body } from '@lookout/client';
import { isServerDown } from '../http.ts';
import { DEMO_JUDGE_BASE_URL } from '../../quality/judge/demo-judge.ts';
import { DemoError, type IngestTarget } from './client.ts';
import type { DemoEvaluators } from './types.ts';

// The evaluators the demo sets up before it sends traffic, so that its traffic is scored as it
// arrives: heuristics in the ingest chain, and LLM judges answered by the built-in demo judge
// (no API key, no network; its scores are fake and say so). Created through the evaluators API,
// skipping any name the project already has, so running the demo again changes nothing.

type EvaluatorInput = Body<'/api/v1/evaluators'>;

const DEMO_JUDGE = { baseUrl: DEMO_JUDGE_BASE_URL };
const REQUEST_TIMEOUT_MS = 30_000;

export const DEMO_EVALUATORS: readonly EvaluatorInput[] = [
  { name: 'empty-output', kind: 'heuristic', criterion: 'empty_output' },
  { name: 'refusal', kind: 'heuristic', criterion: 'refusal' },
  // The support chat's tool calls are JSON the application parses.
  { name: 'tool-call-json', kind: 'heuristic', criterion: 'invalid_json', filter: { feature: 'support-chat' } },
  { name: 'doc-search-latency', kind: 'heuristic', criterion: 'latency_slo', filter: { feature: 'doc-search' }, params: { maxLatencyMs: 8_000 } },
  // A sample of every feature's answers, as a judge usually runs.
  { name: 'judge.helpfulness', kind: 'llm_judge', criterion: 'helpfulness', sampleRate: 0.05, judge: DEMO_JUDGE },
  // Enough of doc-search to see the retrieval dip in the judged scores, and for LowQualityScore's
  // 20 scores in the hour from the incident's 64 or more doc-search turns.
  { name: 'judge.faithfulness', kind: 'llm_judge', criterion: 'faithfulness', sampleRate: 0.5, filter: { feature: 'doc-search' }, judge: DEMO_JUDGE },
];

const messageOf = (body: unknown) => (body as { error?: { message?: string } } | undefined)?.error?.message ?? JSON.stringify(body ?? null).slice(0, 300);

// Creates the demo's evaluators the project lacks. An older server without the evaluators API,
// or a key that may not change them, is reported, not fatal: the traffic does not depend on them.
export async function ensureDemoEvaluators(target: IngestTarget, wanted: readonly EvaluatorInput[] = DEMO_EVALUATORS): Promise<DemoEvaluators> {
  const out: DemoEvaluators = { status: 'configured', created: [], existing: [], detail: null };
  const endpoint = new URL('api/v1/evaluators', target.base).toString();
  const fail = (status: DemoEvaluators['status'], detail: string): DemoEvaluators => ({ ...out, status, detail });
  try {
    const listed = await target.api.GET('/api/v1/evaluators', { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (listed.response.status === 404) return fail('unsupported', 'this server has no evaluators API, so nothing is evaluated');
    if (listed.response.status === 401 || listed.response.status === 403) return fail('refused', `the key may not read evaluators (${listed.response.status}: ${messageOf(listed.error)})`);
    if (!listed.data) return fail('failed', `GET ${endpoint} answered ${listed.response.status}: ${messageOf(listed.error)}`);
    const have = new Set(listed.data.evaluators.map((e) => e.name));
    for (const body of wanted) {
      if (have.has(body.name)) {
        out.existing.push(body.name);
        continue;
      }
      const res = await target.api.POST('/api/v1/evaluators', { body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      // 409 naming it: made meanwhile (another demo run), which is what was wanted.
      if (res.response.status === 409 && messageOf(res.error).includes(`'${body.name}'`)) out.existing.push(body.name);
      else if (res.response.ok) out.created.push(body.name);
      else if (res.response.status === 401 || res.response.status === 403) return fail('refused', `the key may not create evaluators (${res.response.status}: ${messageOf(res.error)}); use an admin key`);
      else return fail('failed', `POST ${endpoint} (${body.name}) answered ${res.response.status}: ${messageOf(res.error)}`);
    }
    return out;
  } catch (err) {
    if (isServerDown(err)) throw new DemoError(`no Lookout server answers at ${endpoint}; start one with \`lookout serve\` or pass --url`, { cause: err });
    return fail('failed', `${endpoint}: ${(err as Error).message}`);
  }
}
