import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../../testing/app.ts';

// gen_ai.evaluation.result events exported to /v1/logs as OTLP/JSON become scores, through the
// same pipeline as the native API's scores (redacted, de-duplicated, counted).

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const TIME_NS = String(BigInt(Date.now() - 60_000) * 1_000_000n);

type Value = { stringValue: string } | { doubleValue: number | string } | { intValue: string } | { boolValue: boolean };
const attr = (key: string, value: Value) => ({ key, value });

function evaluation(attributes: ReturnType<typeof attr>[], context: { traceId?: string; spanId?: string } = { traceId: TRACE, spanId: SPAN }) {
  return { timeUnixNano: TIME_NS, eventName: 'gen_ai.evaluation.result', attributes, ...context };
}

function body(logRecords: unknown[]): string {
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [attr('service.name', { stringValue: 'judge' })] }, scopeLogs: [{ scope: { name: 'evals' }, logRecords }] }] });
}

const post = (payload: string) => t.app.inject({ method: 'POST', url: '/v1/logs', payload, headers: { 'content-type': 'application/json' } });

describe('OTLP gen_ai.evaluation.result to scores', () => {
  it('stores evaluation events as scores on the evaluated span, rejects malformed ones per record, and stores a re-sent export once', async () => {
    const payload = body([
      evaluation([
        attr('gen_ai.evaluation.name', { stringValue: 'relevance' }),
        attr('gen_ai.evaluation.score.value', { doubleValue: 0.4 }),
        attr('gen_ai.evaluation.score.label', { stringValue: 'partially_relevant' }),
        attr('gen_ai.evaluation.explanation', { stringValue: 'Misses the refund question asked by jane.doe@example.com.' }),
      ]),
      evaluation([attr('gen_ai.evaluation.name', { stringValue: 'safety' }), attr('gen_ai.evaluation.score.label', { stringValue: 'pass' })]),
      evaluation([attr('gen_ai.evaluation.name', { stringValue: 'grounded' }), attr('gen_ai.evaluation.score.label', { stringValue: 'false' })]),
      // Malformed: no trace id, no name, a NaN value.
      evaluation([attr('gen_ai.evaluation.name', { stringValue: 'orphan' }), attr('gen_ai.evaluation.score.value', { doubleValue: 1 })], {}),
      evaluation([attr('gen_ai.evaluation.score.value', { doubleValue: 1 })]),
      evaluation([attr('gen_ai.evaluation.name', { stringValue: 'broken' }), attr('gen_ai.evaluation.score.value', { doubleValue: 'NaN' })]),
      // A failed evaluation stays a log record; an ordinary log is untouched.
      evaluation([attr('gen_ai.evaluation.name', { stringValue: 'coherence' }), attr('error.type', { stringValue: 'judge_timeout' })]),
      { timeUnixNano: TIME_NS, traceId: TRACE, spanId: SPAN, body: { stringValue: 'judge finished' } },
    ]);

    const res = await post(payload);
    expect(res.statusCode).toBe(200);
    const partial = res.json().partialSuccess;
    expect(partial.rejectedLogRecords).toBe('3');
    expect(partial.errorMessage).toMatch(/^3 log records rejected: /);
    expect(partial.errorMessage).toContain('gen_ai.evaluation.result has no trace id');
    expect(partial.errorMessage).toContain('has no gen_ai.evaluation.name');
    expect(partial.errorMessage).toContain('gen_ai.evaluation.score.value of "broken" must be a finite number, got "NaN"');

    const trace = (await t.app.inject(`/api/v1/traces/${TRACE}`)).json();
    const byName = Object.fromEntries(trace.scores.map((s: { name: string }) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['grounded', 'relevance', 'safety']);
    expect(byName.relevance).toMatchObject({
      traceId: TRACE,
      spanId: SPAN,
      dataType: 'numeric',
      numericValue: 0.4,
      stringValue: 'partially_relevant',
      source: 'evaluator',
      // Redacted like every score comment.
      comment: 'Misses the refund question asked by [REDACTED:email].',
    });
    expect(byName.safety).toMatchObject({ dataType: 'categorical', numericValue: null, stringValue: 'pass' });
    expect(byName.grounded).toMatchObject({ dataType: 'boolean', numericValue: 0, stringValue: 'false' });
    // The scores are not stored a second time as logs; the failed evaluation and the log are, and
    // the email found in the explanation is recorded as a security event like any finding.
    const logs = trace.logs.map((l: { attributes: Record<string, string>; body: string }) => l.attributes['event.name'] ?? l.body);
    expect(logs.sort()).toEqual(['gen_ai.evaluation.result', 'judge finished', 'lookout.security']);

    // The exporter retries: same ids, nothing new stored, counted as duplicates.
    expect((await post(payload)).statusCode).toBe(200);
    expect((await t.app.inject(`/api/v1/scores?traceId=${TRACE}`)).json().scores).toHaveLength(3);
    const metrics = (await t.app.inject('/metrics')).body;
    expect(metrics).toMatch(/lookout_ingest_items_total\{source="otlp",type="score",outcome="accepted"\} 3\n/);
    expect(metrics).toMatch(/lookout_ingest_items_total\{source="otlp",type="score",outcome="duplicate"\} 3\n/);
  });

  it('answers an export of only good evaluations (an integer value) without partial success', async () => {
    const res = await post(body([evaluation([attr('gen_ai.evaluation.name', { stringValue: 'helpfulness' }), attr('gen_ai.evaluation.score.value', { intValue: '4' })])]));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({});
    const scores = (await t.app.inject(`/api/v1/scores?traceId=${TRACE}`)).json().scores;
    expect(scores).toMatchObject([{ name: 'helpfulness', dataType: 'numeric', numericValue: 4 }]);
  });

  it('stores evaluation span events as scores with their span, and warns about a malformed one without rejecting the span', async () => {
    const startNs = BigInt(Date.now() - 60_000) * 1_000_000n;
    const payload = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [attr('service.name', { stringValue: 'app' })] },
          scopeSpans: [
            {
              scope: { name: 'app' },
              spans: [
                {
                  traceId: TRACE,
                  spanId: SPAN,
                  name: 'chat gpt-4o',
                  kind: 3,
                  startTimeUnixNano: String(startNs),
                  endTimeUnixNano: String(startNs + 1_000_000n),
                  attributes: [attr('gen_ai.operation.name', { stringValue: 'chat' }), attr('gen_ai.request.model', { stringValue: 'gpt-4o' })],
                  events: [
                    { name: 'gen_ai.evaluation.result', timeUnixNano: String(startNs + 2_000_000n), attributes: [attr('gen_ai.evaluation.name', { stringValue: 'correctness' }), attr('gen_ai.evaluation.score.value', { doubleValue: 0.75 })] },
                    { name: 'gen_ai.evaluation.result', timeUnixNano: String(startNs + 2_000_000n), attributes: [attr('gen_ai.evaluation.name', { stringValue: 'tone' })] },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    const res = await t.app.inject({ method: 'POST', url: '/v1/traces', payload, headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().partialSuccess).toEqual({
      rejectedSpans: '0',
      errorMessage: `span ${SPAN}: gen_ai.evaluation.result "tone" has neither gen_ai.evaluation.score.value nor gen_ai.evaluation.score.label; the event was skipped, the span stored`,
    });
    const trace = (await t.app.inject(`/api/v1/traces/${TRACE}`)).json();
    expect(trace.spans).toHaveLength(1);
    expect(trace.scores).toMatchObject([{ name: 'correctness', spanId: SPAN, numericValue: 0.75, source: 'evaluator' }]);
  });
});
