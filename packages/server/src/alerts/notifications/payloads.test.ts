import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../engine/engine.ts';
import { renderTemplate } from '../engine/template.ts';
import type { Alert } from '../types.ts';
import { notificationsSchema } from './config.ts';
import { alertmanagerRequest, pagerDutyRequests, slackRequest, webhookRequest, type Notification } from './payloads.ts';

// Label values come from the data (a model name is whatever a client sent) and annotations from
// rules a tenant writes: neither may become a mention or a link in the operator's Slack.

const HOSTILE_MODEL = '<!channel> <https://evil.example|click>';
const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

function hostileAlert(runbook: string): Alert {
  const labels = { alertname: 'CostSpike', severity: 'critical', category: 'cost', project: 'tenant-a', model: HOSTILE_MODEL } as Alert['labels'];
  const data = { labels, value: 3, threshold: 1 };
  return {
    fingerprint: fingerprintOf('tenant-a', labels),
    projectId: 'tenant-a',
    ruleId: 'CostSpike',
    labels,
    annotations: {
      summary: renderTemplate('cost of {{ $labels.model }} is {{ $value }}x & rising', data),
      description: renderTemplate('{{ $labels.model }}', data),
      runbook_url: runbook,
    },
    state: 'firing',
    value: 3,
    threshold: 1,
    activeSinceMs: T0,
    firedAtMs: T0,
    resolvedAtMs: null,
    lastEvaluatedMs: T0,
    silencedBy: [],
    inhibitedBy: [],
  };
}

const config = notificationsSchema.parse({
  receivers: [
    { name: 'chat', slack: { url: 'https://hooks.slack.example/x' } },
    { name: 'pager', pagerduty: { routingKey: 'k' } },
    { name: 'hook', webhook: { url: 'https://hooks.example/x' } },
    { name: 'am', alertmanager: { url: 'https://am.example' } },
  ],
  route: { receiver: 'chat' },
});
const receiver = (name: string) => config.receivers.find((r) => r.name === name)!;
const notification = (a: Alert): Notification => ({ receiver: 'chat', groupKey: 'g', groupLabels: {}, alerts: [a] });

describe('Slack escaping', () => {
  it('escapes & < > in label and annotation text, so no mention or link survives', () => {
    const body = JSON.parse(slackRequest(receiver('chat'), notification(hostileAlert('https://runbooks.example/cost'))).body) as {
      text: string;
      blocks: { text: { type: string; text: string } }[];
    };
    const section = body.blocks[1].text.text;
    expect(section).toContain('`cost of &lt;!channel&gt; &lt;https://evil.example|click&gt; is 3x &amp; rising`');
    expect(section).not.toContain('<!channel>');
    expect(section).not.toContain('<https://evil.example');
    // The one link left is the runbook's, a plain URL.
    expect(section.match(/<[^>]*>/g)).toEqual(['<https://runbooks.example/cost|runbook>']);
    expect(body.text).not.toMatch(/[<>]/);
  });

  it('shows a runbook URL that could close the link syntax as text, not as a link', () => {
    const body = JSON.parse(slackRequest(receiver('chat'), notification(hostileAlert('https://x.example|click> <!channel'))).body) as { blocks: { text: { text: string } }[] };
    const section = body.blocks[1].text.text;
    expect(section).not.toMatch(/<[^>]*>/);
    expect(section).toContain('runbook: `https://x.example|click&gt; &lt;!channel`');
  });

  // What Slack would still read as markup in a line: everything outside inline code spans and
  // outside the one runbook link.
  const outsideCode = (line: string) => line.replace(/`[^`]*`/g, '').replace(/<https:\/\/runbooks\.example\/cost\|runbook>/, '');

  it('shows label and annotation text as inline code, so Slack neither links bare URLs nor formats it', () => {
    const a = hostileAlert('https://runbooks.example/cost');
    const model = 'https://evil.example/login evil.example *bold* _it_ ~gone~ `x` `close';
    a.labels = { ...a.labels, model, project: 'tenant-a' };
    a.annotations = { ...a.annotations, summary: renderTemplate('{{ $labels.model }}\nsee www.evil.example *now*', { labels: a.labels, value: 3, threshold: 1 }) };
    const body = JSON.parse(slackRequest(receiver('chat'), notification(a)).body) as { text: string; blocks: { text: { text: string } }[] };
    const section = body.blocks[1].text.text;
    expect(section.split('\n')).toHaveLength(1);
    // The text is all there, inside code (a backtick shown as ˋ so the code is not closed early).
    expect(section).toContain('`https://evil.example/login evil.example *bold* _it_ ~gone~ ˋxˋ ˋclose see www.evil.example *now*`');
    const rest = outsideCode(section);
    // Outside code: only Lookout's own words, the emoji and the runbook link.
    expect(rest).toBe(':red_circle:  (value 3) — critical, cost, project  · ');
  });

  it('cuts a long value before quoting it, so the code span is always closed', () => {
    const a = hostileAlert('https://runbooks.example/cost');
    a.annotations = { ...a.annotations, summary: `${'<'.repeat(5_000)} https://evil.example` };
    const section = (JSON.parse(slackRequest(receiver('chat'), notification(a)).body) as { blocks: { text: { text: string } }[] }).blocks[1].text.text;
    expect(section.length).toBeLessThan(3_000);
    expect(section).not.toContain('evil');
    expect(section.match(/`/g)).toHaveLength(4);
    expect(section).toMatch(/&lt;…`/);
  });

  it('does not render templates found inside label values', () => {
    const labels = { model: '{{ $value }}' };
    expect(renderTemplate('model {{ $labels.model }}', { labels, value: 42, threshold: null })).toBe('model {{ $value }}');
  });
});

describe('other formats carry the text as JSON data', () => {
  it('PagerDuty links only http(s) runbooks and keeps labels as data', () => {
    const [request] = pagerDutyRequests(receiver('pager'), notification(hostileAlert('javascript:alert(1)')));
    const event = JSON.parse(request.body) as { links?: unknown; payload: { summary: string; custom_details: { labels: Record<string, string> } } };
    expect(event.links).toBeUndefined();
    expect(event.payload.custom_details.labels.model).toBe(HOSTILE_MODEL);
  });

  it('webhook and Alertmanager bodies are JSON that round-trips the exact text', () => {
    const a = hostileAlert('https://runbooks.example/cost');
    const hook = JSON.parse(webhookRequest(receiver('hook'), notification(a), T0).body) as { alerts: { labels: Record<string, string> }[] };
    expect(hook.alerts[0].labels.model).toBe(HOSTILE_MODEL);
    const am = JSON.parse(alertmanagerRequest(receiver('am'), [a], T0, 60_000).body) as { labels: Record<string, string> }[];
    expect(am[0].labels.model).toBe(HOSTILE_MODEL);
  });
});
