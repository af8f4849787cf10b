// Automated responses end to end: a real `lookout serve` child process evaluates a cost rule every
// second over the calls made through its gateway; when the alert fires, a `switchModel` action
// sends gpt-4o calls to the (fake) upstream as gpt-4o-mini, the recorded calls show it, and
// reverting the activation through the API sends gpt-4o again, through the evaluations that follow
// while the alert still fires. When the alert resolves and fires anew, the switch is activated
// again, and its resolve reverts it.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startFakeOpenAI, type FakeUpstream } from './fake-openai.ts';
import { makeTempDir, pollUntil, removeTempDir, runLookout, startLookout, type LookoutServer } from './harness.ts';

const PROVIDER_KEY = 'sk-e2e-provider-secret-actions-0123456789';
const FEATURE = 'e2e-actions';
const ACTION_ID = 'cheaper-on-cost-spike';
// The fake answers every chat call as gpt-4o-mini-2024-07-18 with 1,200 prompt tokens (1,024 of
// them cached) and 80 completion tokens, priced at the model it answered with: about $0.00015 a
// call. One call stays under the threshold, three pass it (checked below from the recorded cost).
const THRESHOLD_USD = 0.00035;
const EXPENSIVE_CALLS = 2;

interface LookoutAlert {
  fingerprint: string;
  state: string;
  labels: Record<string, string>;
}

interface Activation {
  id: string;
  actionId: string;
  kind: string;
  params: { from: string; to: string };
  triggeredBy: { fingerprint: string; alertname: string; severity: string; labels: Record<string, string> };
  dryRun: boolean;
  state: 'active' | 'reverted';
  revertedAtMs: number | null;
  revertedBy: string | null;
  alertResolvedAtMs: number | null;
  activatedAtMs: number;
}

interface ActionsList {
  active: Activation[];
  history: Activation[];
  configured: { id: string }[];
}

interface StoredSpan {
  spanId: string;
  requestModel: string | null;
  responseModel: string | null;
  metadata: Record<string, string>;
  attribution: Record<string, string | null>;
  cost: { status: string; totalNanoUsd: number | null };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => console.warn('cleanup failed:', err));
});

describe('gateway actions in a lookout child process', () => {
  it('a firing cost alert switches the model; the switch is recorded and reversible', async () => {
    const fake: FakeUpstream = await startFakeOpenAI();
    cleanups.push(() => fake.close());
    const dir = await makeTempDir('gateway-actions');
    cleanups.push(() => removeTempDir(dir));

    const rulesFile = join(dir, 'rules.yaml');
    await writeFile(
      rulesFile,
      stringify({
        rules: [
          {
            name: 'E2eCostSpike',
            kind: 'threshold',
            query: { measure: 'cost', filter: { feature: FEATURE } },
            window: '10m',
            op: '>',
            threshold: THRESHOLD_USD,
            for: '0s',
            severity: 'critical',
            category: 'cost',
            annotations: { summary: 'Spend of {{ $labels.project }} is {{ $value }}' },
          },
        ],
      }),
    );
    const configFile = join(dir, 'lookout.yaml');
    await writeFile(
      configFile,
      stringify({
        alerts: {
          evaluationInterval: '1s',
          defaultPack: false,
          rules: [rulesFile],
          actions: [
            {
              id: ACTION_ID,
              when: { alertname: 'E2eCostSpike', matchers: ['severity="critical"'] },
              do: { switchModel: { from: 'gpt-4o', to: 'gpt-4o-mini', provider: 'openai', scope: { feature: FEATURE } } },
            },
          ],
        },
      }),
    );

    let lookout: LookoutServer | undefined;
    const output = () => lookout?.output() ?? '';
    lookout = await startLookout({
      dataDir: join(dir, 'data'),
      env: { LOOKOUT_CONFIG: configFile, LOOKOUT_OPENAI_BASE_URL: `${fake.url}/v1` },
    });
    cleanups.push(() => lookout!.stop());
    const url = lookout.url;

    const getJson = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) });
      const text = await response.text();
      if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 500)}`);
      return JSON.parse(text) as T;
    };
    const openai = new OpenAI({
      apiKey: PROVIDER_KEY,
      baseURL: `${url}/proxy/openai/v1`,
      maxRetries: 0,
      defaultHeaders: { 'x-lookout-user': 'dana', 'x-lookout-feature': FEATURE },
    });
    // Makes one gpt-4o call in its own session; returns the model the upstream was sent and the
    // recorded span.
    let calls = 0;
    const callGpt4o = async (): Promise<{ upstreamModel: string; span: StoredSpan }> => {
      const session = `e2e-actions-${++calls}`;
      const before = fake.requests.length;
      const chat = await openai.chat.completions.create(
        { model: 'gpt-4o', messages: [{ role: 'user', content: 'Where is my order?' }] },
        { headers: { 'x-lookout-session': session } },
      );
      expect(chat.choices[0].message.content).toBe('It ships tomorrow.');
      const sent = fake.requests.slice(before);
      expect(sent.map((r) => r.url)).toEqual(['/v1/chat/completions']);
      const upstreamModel = (JSON.parse(sent[0].body) as { model: string }).model;
      const span = await pollUntil(
        `the span of session ${session}`,
        async () => (await getJson<{ spans: StoredSpan[] }>(`/api/v1/spans?sessionId=${session}`)).spans[0],
        { timeoutMs: 15_000, context: output },
      );
      return { upstreamModel, span };
    };
    const actionsList = () => getJson<ActionsList>('/api/v1/actions');

    // The action is configured and, without a firing alert, nothing changes.
    const initial = await actionsList();
    expect(initial.configured.map((a) => a.id)).toEqual([ACTION_ID]);
    expect(initial.active).toEqual([]);
    expect(initial.history).toEqual([]);

    // (1) Before any alert: gpt-4o goes upstream as gpt-4o, and nothing is recorded as applied.
    const first = await callGpt4o();
    expect(first.upstreamModel).toBe('gpt-4o');
    expect(first.span.requestModel).toBe('gpt-4o');
    expect(first.span.metadata['gateway.action']).toBeUndefined();
    expect(first.span.cost.status).toBe('priced');
    const callUsd = first.span.cost.totalNanoUsd! / 1e9;
    expect(callUsd, 'one call must stay under the threshold').toBeLessThan(THRESHOLD_USD);
    expect(callUsd * (1 + EXPENSIVE_CALLS), 'the calls together must pass the threshold').toBeGreaterThan(THRESHOLD_USD);
    const { alerts: before } = await getJson<{ alerts: LookoutAlert[] }>('/api/v1/alerts?state=firing');
    expect(before.filter((a) => a.labels.alertname === 'E2eCostSpike')).toEqual([]);

    // (2) More expensive calls: the cost alert fires and the switch is activated.
    for (let i = 0; i < EXPENSIVE_CALLS; i++) expect((await callGpt4o()).upstreamModel).toBe('gpt-4o');
    const alert = await pollUntil(
      'E2eCostSpike to fire',
      async () => {
        const { alerts } = await getJson<{ alerts: LookoutAlert[] }>('/api/v1/alerts?state=firing');
        return alerts.find((a) => a.labels.alertname === 'E2eCostSpike');
      },
      { timeoutMs: 30_000, intervalMs: 200, context: output },
    );
    expect(alert.labels).toMatchObject({ severity: 'critical', category: 'cost', project: 'default' });
    const activation = await pollUntil(
      'the model switch to be active',
      async () => (await actionsList()).active.find((a) => a.actionId === ACTION_ID),
      { timeoutMs: 15_000, intervalMs: 200, context: output },
    );
    expect(activation).toMatchObject({
      kind: 'switchModel',
      params: { from: 'gpt-4o', to: 'gpt-4o-mini' },
      dryRun: false,
      state: 'active',
      revertedBy: null,
      triggeredBy: { fingerprint: alert.fingerprint, alertname: 'E2eCostSpike', severity: 'critical' },
    });

    // The command line lists it too.
    const listed = await runLookout(['actions', 'list', '--url', url]);
    expect(listed.code, listed.output).toBe(0);
    expect(listed.stdout).toContain(activation.id);
    expect(listed.stdout).toContain(`gpt-4o -> gpt-4o-mini for feature=${FEATURE}`);

    // (3) The next gpt-4o call reaches the upstream as gpt-4o-mini, and the recorded call shows it.
    const switched = await callGpt4o();
    expect(switched.upstreamModel).toBe('gpt-4o-mini');
    expect(switched.span.requestModel).toBe('gpt-4o-mini');
    expect(switched.span.metadata['gateway.action']).toBe(`switchModel:${ACTION_ID}`);
    expect(switched.span.metadata['gateway.action_dry_run']).toBeUndefined();
    const bySpanId = await getJson<StoredSpan>(`/api/v1/spans/${switched.span.spanId}`);
    expect(bySpanId.metadata['gateway.action']).toBe(`switchModel:${ACTION_ID}`);
    // Other models and other features are not touched.
    const before4 = fake.requests.length;
    await openai.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] });
    await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-lookout-feature': 'other' } });
    expect(fake.requests.slice(before4).map((r) => (JSON.parse(r.body) as { model: string }).model)).toEqual(['gpt-4.1', 'gpt-4o']);

    // (4) Reverted through the API: gpt-4o goes upstream as gpt-4o again, while the alert still fires.
    const revert = await fetch(`${url}/api/v1/actions/${activation.id}/revert`, { method: 'POST', signal: AbortSignal.timeout(5_000) });
    const revertText = await revert.text();
    expect(revert.status, revertText).toBe(200);
    expect((JSON.parse(revertText) as { activation: Activation }).activation).toMatchObject({ id: activation.id, state: 'reverted', revertedBy: 'api' });
    const again = await fetch(`${url}/api/v1/actions/${activation.id}/revert`, { method: 'POST', signal: AbortSignal.timeout(5_000) });
    expect(again.status, await again.text()).toBe(409);

    const reverted = (await actionsList()).history.find((a) => a.id === activation.id);
    expect(reverted).toMatchObject({ actionId: ACTION_ID, state: 'reverted', revertedBy: 'api' });
    const revertedAtMs = reverted!.revertedAtMs!;
    expect(revertedAtMs).toBeGreaterThan(0);

    // The revert must outlast the evaluations that follow it while the alert keeps firing, not
    // just the moments before the next one: wait (by the server's own clock, not ours) for an
    // evaluation that started after the revert, then for one more, so the actions were updated
    // from a full evaluation cycle run after the revert.
    const lastEvaluatedMs = async (): Promise<number> => {
      const { rules } = await getJson<{ rules: { rule: { name: string }; health: { lastEvaluatedMs: number | null } }[] }>('/api/v1/alerts/rules');
      return rules.find((r) => r.rule.name === 'E2eCostSpike')?.health.lastEvaluatedMs ?? 0;
    };
    const afterRevert = await pollUntil('an evaluation after the revert', async () => {
      const t = await lastEvaluatedMs();
      return t > revertedAtMs ? t : undefined;
    }, { timeoutMs: 15_000, intervalMs: 200, context: output });
    await pollUntil('a second evaluation after the revert', async () => ((await lastEvaluatedMs()) > afterRevert ? true : undefined), {
      timeoutMs: 15_000,
      intervalMs: 200,
      context: output,
    });

    const restored = await callGpt4o();
    expect(restored.upstreamModel).toBe('gpt-4o');
    expect(restored.span.requestModel).toBe('gpt-4o');
    expect(restored.span.metadata['gateway.action']).toBeUndefined();

    const after = await actionsList();
    expect(after.active).toEqual([]);
    const ended = after.history.find((a) => a.id === activation.id);
    expect(ended).toEqual(reverted);
    // The alert still fires, and the reverted switch stays off.
    const { alerts: stillFiring } = await getJson<{ alerts: LookoutAlert[] }>('/api/v1/alerts?state=firing');
    expect(stillFiring.map((a) => a.fingerprint)).toContain(alert.fingerprint);
    expect(after.history.filter((a) => a.actionId === ACTION_ID)).toHaveLength(1);

    // (5) Once the alert resolves and fires anew, the switch is activated again; when the alert
    // resolves, the switch is reverted by the resolve itself. The rule is disabled to resolve it
    // (its cost window would take ten minutes).
    const { rules } = await getJson<{ rules: { rule: { id: string; name: string } }[] }>('/api/v1/alerts/rules');
    const ruleId = rules.find((r) => r.rule.name === 'E2eCostSpike')!.rule.id;
    const setEnabled = async (enabled: boolean): Promise<void> => {
      const response = await fetch(`${url}/api/v1/alerts/rules/${encodeURIComponent(ruleId)}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ enabled }),
        signal: AbortSignal.timeout(5_000),
      });
      expect(response.status, await response.text()).toBe(200);
    };
    const firing = async () => (await getJson<{ alerts: LookoutAlert[] }>('/api/v1/alerts?state=firing')).alerts.filter((a) => a.labels.alertname === 'E2eCostSpike');
    await setEnabled(false);
    expect(await firing()).toEqual([]);
    // The actions learn of it at the next evaluation, which records the resolve on the reverted switch.
    await pollUntil('the reverted switch to see its alert resolved', async () => {
      const first = (await actionsList()).history.find((a) => a.id === activation.id);
      return first?.alertResolvedAtMs != null ? first : undefined;
    }, { timeoutMs: 15_000, intervalMs: 200, context: output });
    await setEnabled(true);
    const second = await pollUntil('the model switch to be active again', async () => (await actionsList()).active.find((a) => a.actionId === ACTION_ID), {
      timeoutMs: 15_000,
      intervalMs: 200,
      context: output,
    });
    expect(second.id).not.toBe(activation.id);
    expect((await callGpt4o()).upstreamModel).toBe('gpt-4o-mini');
    await setEnabled(false);
    const resolved = await pollUntil('the switch to be reverted by the resolve', async () => {
      const list = await actionsList();
      return list.active.length === 0 ? list.history.find((a) => a.id === second.id) : undefined;
    }, { timeoutMs: 15_000, intervalMs: 200, context: output });
    expect(resolved).toMatchObject({ state: 'reverted', revertedBy: 'resolve' });
    // Reverted in the same evaluation that saw the alert resolve, after it was activated.
    expect(resolved!.revertedAtMs).toBe(resolved!.alertResolvedAtMs);
    expect(resolved!.revertedAtMs).toBeGreaterThanOrEqual(second.activatedAtMs);
    expect(await firing()).toEqual([]);
    expect((await callGpt4o()).upstreamModel).toBe('gpt-4o');
    expect((await actionsList()).history.filter((a) => a.actionId === ACTION_ID).map((a) => a.revertedBy).sort()).toEqual(['api', 'resolve']);

    // Logged: the activation at warn, the revert at info.
    expect(output()).toMatch(/"event":"action_activated"/);
    expect(output()).toMatch(/"event":"action_reverted"/);
    expect(lookout!.process.printed(PROVIDER_KEY)).toBe(false);
  });
});
