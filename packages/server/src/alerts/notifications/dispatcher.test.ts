import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintOf } from '../engine/engine.ts';
import type { Alert, AlertState, Category, Severity } from '../types.ts';
import { notificationsSchema } from './config.ts';
import { Dispatcher, registerNotificationMetrics, retryAfterMsOf, type DeliveryRecord, type DispatcherDeps } from './dispatcher.ts';
import { SIGNATURE_HEADER, sign, verifySignature } from './payloads.ts';

// The dispatcher against real HTTP receivers on 127.0.0.1, with the clock in the test's hands:
// `update` and `flush` take the instant, so group timing is checked without waiting for it.

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);
const SECRET = 'a-signing-secret-of-some-length';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  atMs: number;
}

interface Receiver {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

type Answer = (req: Received, n: number, res: ServerResponse) => void;

const servers: Server[] = [];

// An HTTP server that records every request and answers with `answer` (default 200).
async function startReceiver(answer: Answer = (_r, _n, res) => res.writeHead(200).end('ok')): Promise<Receiver> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        // not JSON: kept as text
      }
      const r: Received = { path: req.url ?? '', headers: req.headers, body, json, atMs: Date.now() };
      requests.push(r);
      answer(r, requests.length, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

interface AlertInput {
  name?: string;
  severity?: Severity;
  category?: Category;
  project?: string;
  state?: AlertState;
  labels?: Record<string, string>;
  firedAtMs?: number;
  resolvedAtMs?: number | null;
  silencedBy?: string[];
  inhibitedBy?: string[];
  value?: number | null;
}

// An alert as the engine hands it to its sink.
function makeAlert(input: AlertInput = {}): Alert {
  const project = input.project ?? 'default';
  const labels = {
    alertname: input.name ?? 'HighLatency',
    severity: input.severity ?? 'warning',
    category: input.category ?? 'performance',
    project,
    ...input.labels,
  } as Alert['labels'];
  const state = input.state ?? 'firing';
  const firedAtMs = input.firedAtMs ?? T0 - 60_000;
  return {
    fingerprint: fingerprintOf(project, labels),
    projectId: project,
    ruleId: `${labels.alertname}:${labels.severity}`,
    labels,
    annotations: {
      summary: `${labels.alertname} is ${labels.severity}`,
      description: `the value of ${labels.alertname} passed its threshold`,
      runbook_url: `https://runbooks.example.com/${labels.alertname.toLowerCase()}`,
    },
    state,
    value: input.value === undefined ? 1234.5 : input.value,
    threshold: 1000,
    activeSinceMs: firedAtMs - 30_000,
    firedAtMs,
    resolvedAtMs: state === 'resolved' ? (input.resolvedAtMs ?? T0) : null,
    lastEvaluatedMs: T0,
    silencedBy: input.silencedBy ?? [],
    inhibitedBy: input.inhibitedBy ?? [],
  };
}

const resolved = (a: Alert, atMs = T0): Alert => ({ ...a, state: 'resolved', resolvedAtMs: atMs });

function dispatcher(config: unknown, deps: DispatcherDeps = {}): Dispatcher {
  const d = new Dispatcher(notificationsSchema.parse(config), { now: () => T0, retryBaseMs: 10, ...deps });
  made.push(d);
  return d;
}
const made: Dispatcher[] = [];
afterEach(async () => {
  for (const d of made.splice(0)) await d.stop(100);
});

// Waits for every request under way (none is started later: the timer is not running).
const drain = (d: Dispatcher) => d.stop(15_000);

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface WebhookBody {
  version: string;
  status: string;
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; fingerprint: string; value: number | null }[];
}

const alertnames = (r: Received) => (r.json as WebhookBody).alerts.map((a) => `${a.labels.alertname}:${a.labels.severity}`).sort();

describe('webhook receiver', () => {
  it('sends the group as Alertmanager-style JSON with a signature verifySignature accepts', async () => {
    const hook = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [{ name: 'team', webhook: { url: hook.url, secret: SECRET, headers: { 'x-team': 'search' } } }],
      route: { receiver: 'team', groupBy: ['alertname'], groupWait: '0s' },
    });
    const a = makeAlert({ name: 'HighLatency', severity: 'warning', labels: { model: 'gpt-4o' } });
    const b = makeAlert({ name: 'HighLatency', severity: 'warning', labels: { model: 'claude' } });
    d.update([a, b], T0);
    await drain(d);

    expect(hook.requests).toHaveLength(1);
    const req = hook.requests[0];
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-team']).toBe('search');
    const body = req.json as WebhookBody;
    expect(body.version).toBe('1');
    expect(body.status).toBe('firing');
    expect(body.receiver).toBe('team');
    expect(body.groupLabels).toEqual({ project: 'default', alertname: 'HighLatency' });
    // Labels both alerts share; model differs, so it is not common.
    expect(body.commonLabels).toEqual({ alertname: 'HighLatency', severity: 'warning', category: 'performance', project: 'default' });
    expect(body.commonAnnotations).toEqual({ summary: 'HighLatency is warning', description: a.annotations.description, runbook_url: a.annotations.runbook_url });
    expect(body.alerts).toHaveLength(2);
    const sent = body.alerts.find((x) => x.fingerprint === a.fingerprint)!;
    expect(sent).toEqual({
      status: 'firing',
      labels: a.labels,
      annotations: a.annotations,
      startsAt: new Date(a.firedAtMs!).toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: a.fingerprint,
      value: 1234.5,
    });

    // The signature: t=<unix seconds of the send>,v1=<hmac>.
    const header = req.headers[SIGNATURE_HEADER] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const nowS = Math.floor(T0 / 1000);
    expect(header).toBe(sign(SECRET, req.body, nowS));
    // As docs/notifications.md tells receivers to check it, without Lookout's own code: the hex
    // HMAC-SHA256, keyed with the secret, of "<t>.<body>".
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)!;
    expect(v1).toBe(createHmac('sha256', SECRET).update(`${t}.${req.body}`).digest('hex'));
    expect(verifySignature(SECRET, header, req.body, 300, nowS)).toBe(true);
    // Tampered body, wrong secret, a replay outside the tolerance, no header, a malformed one.
    expect(verifySignature(SECRET, header, req.body.replace('"firing"', '"resolved"'), 300, nowS)).toBe(false);
    expect(verifySignature('another-secret-of-some-length', header, req.body, 300, nowS)).toBe(false);
    expect(verifySignature(SECRET, header, req.body, 300, nowS + 301)).toBe(false);
    expect(verifySignature(SECRET, header, req.body, 300, nowS + 299)).toBe(true);
    expect(verifySignature(SECRET, undefined, req.body, 300, nowS)).toBe(false);
    expect(verifySignature(SECRET, header.replace('v1=', 'v0='), req.body, 300, nowS)).toBe(false);
  });

  it('sends no signature header without a secret, and a resolved body with endsAt when the group resolves', async () => {
    const hook = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [{ name: 'team', webhook: { url: hook.url } }],
      route: { receiver: 'team', groupWait: '0s', groupInterval: '1m' },
    });
    const a = makeAlert();
    d.update([a], T0);
    await drain(d);
    expect(hook.requests[0].headers[SIGNATURE_HEADER]).toBeUndefined();
    d.update([resolved(a, T0 + 30_000)], T0 + 60_000);
    await drain(d);
    expect(hook.requests).toHaveLength(2);
    const body = hook.requests[1].json as WebhookBody;
    expect(body.status).toBe('resolved');
    expect(body.alerts).toHaveLength(1);
    expect(body.alerts[0].status).toBe('resolved');
    expect(body.alerts[0].endsAt).toBe(new Date(T0 + 30_000).toISOString());
  });
});

describe('Slack receiver', () => {
  it('sends text and blocks, firing and then resolved', async () => {
    const slack = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [{ name: 'chat', slack: { url: slack.url } }],
      route: { receiver: 'chat', groupWait: '0s', groupInterval: '1m' },
    });
    const crit = makeAlert({ name: 'DailyCostExceeded', severity: 'critical', category: 'cost', value: 123.456789 });
    const warn = makeAlert({ name: 'DailyCostExceeded', severity: 'warning', category: 'cost' });
    d.update([crit, warn], T0);
    await drain(d);
    expect(slack.requests).toHaveLength(1);
    const body = slack.requests[0].json as { text: string; blocks: { type: string; text: { type: string; text: string } }[] };
    expect(body.text).toBe('[FIRING:2] DailyCostExceeded');
    expect(body.blocks.map((b) => [b.type, b.text.type])).toEqual([
      ['header', 'plain_text'],
      ['section', 'mrkdwn'],
    ]);
    expect(body.blocks[0].text.text).toBe(body.text);
    const lines = body.blocks[1].text.text.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      ':red_circle: `DailyCostExceeded is critical` (value 123.5) — critical, cost, project `default` · <https://runbooks.example.com/dailycostexceeded|runbook>',
    );
    expect(lines[1]).toMatch(/^:warning: `DailyCostExceeded is warning`/);

    d.update([resolved(crit), resolved(warn)], T0 + 60_000);
    await drain(d);
    expect(slack.requests).toHaveLength(2);
    const done = slack.requests[1].json as { text: string; blocks: { text: { text: string } }[] };
    expect(done.text).toBe('[RESOLVED] DailyCostExceeded');
    expect(done.blocks[1].text.text.split('\n').every((l) => l.startsWith(':white_check_mark:'))).toBe(true);
  });
});

describe('Slack receiver, large groups', () => {
  it('keeps the header within 150 and the section within 3,000 characters, saying how many alerts were left out', async () => {
    const slack = await startReceiver();
    const d = dispatcher({ allowedHosts: ['127.0.0.1'], receivers: [{ name: 'chat', slack: { url: slack.url } }], route: { receiver: 'chat', groupWait: '0s' } });
    const alerts = Array.from({ length: 60 }, (_, i) => makeAlert({ name: `Cost${'X'.repeat(160)}`, category: 'cost', labels: { model: `model-${i}` } }));
    d.update(alerts, T0);
    await drain(d);
    expect(slack.requests).toHaveLength(1);
    const body = slack.requests[0].json as { blocks: { text: { text: string } }[] };
    expect(body.blocks[0].text.text.length).toBeLessThanOrEqual(150);
    const section = body.blocks[1].text.text;
    expect(section.length).toBeLessThanOrEqual(3_000);
    const lines = section.split('\n');
    const shown = lines.length - 1;
    expect(shown).toBeGreaterThan(5);
    expect(lines.at(-1)).toBe(`… and ${60 - shown} more`);
  });
});

describe('PagerDuty receiver', () => {
  it('triggers one event per alert with the fingerprint as dedup_key, then resolves with the same key', async () => {
    const pd = await startReceiver((_r, _n, res) => res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success"}'));
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [{ name: 'pager', pagerduty: { routingKey: 'R0UT1NGKEY', url: pd.url } }],
      route: { receiver: 'pager', groupBy: ['category'], groupWait: '0s', groupInterval: '1m' },
    });
    const crit = makeAlert({ name: 'HighErrorRate', severity: 'critical', category: 'availability', labels: { model: 'gpt-4o' } });
    const warn = makeAlert({ name: 'FrequentRateLimits', severity: 'warning', category: 'availability' });
    const info = makeAlert({ name: 'Note', severity: 'info', category: 'availability' });
    d.update([crit, warn, info], T0);
    await drain(d);
    type Event = { routing_key: string; event_action: string; dedup_key: string; payload?: { summary: string; severity: string; source: string; component?: string; class: string; group: string; timestamp: string }; links?: { href: string }[] };
    const triggers = pd.requests.map((r) => r.json as Event);
    expect(triggers).toHaveLength(3);
    const byKey = new Map(triggers.map((e) => [e.dedup_key, e]));
    expect([...byKey.keys()].sort()).toEqual([crit.fingerprint, warn.fingerprint, info.fingerprint].sort());
    for (const e of triggers) {
      expect(e.routing_key).toBe('R0UT1NGKEY');
      expect(e.event_action).toBe('trigger');
    }
    expect(byKey.get(crit.fingerprint)!.payload).toMatchObject({
      summary: 'HighErrorRate is critical',
      severity: 'critical',
      source: 'lookout/default',
      component: 'gpt-4o',
      class: 'availability',
      group: 'default',
      timestamp: new Date(crit.firedAtMs!).toISOString(),
    });
    expect(byKey.get(crit.fingerprint)!.links).toEqual([{ href: crit.annotations.runbook_url, text: 'Runbook' }]);
    expect(byKey.get(warn.fingerprint)!.payload!.severity).toBe('warning');
    expect(byKey.get(info.fingerprint)!.payload!.severity).toBe('info');
    // One delivery record per event.
    expect(d.deliveries().filter((r) => r.ok && r.httpStatus === 202)).toHaveLength(3);

    d.update([resolved(crit), warn, info], T0 + 60_000);
    await drain(d);
    const after = pd.requests.slice(3).map((r) => r.json as Event);
    const resolve = after.filter((e) => e.event_action === 'resolve');
    expect(resolve).toEqual([{ routing_key: 'R0UT1NGKEY', event_action: 'resolve', dedup_key: crit.fingerprint }]);
  });
});

describe('routing', () => {
  async function seedRouting(matcherForm: 'list' | 'map') {
    const team = await startReceiver();
    const pager = await startReceiver();
    const cost = await startReceiver();
    const security = await startReceiver();
    const m = (name: string, value: string) => (matcherForm === 'list' ? [`${name}="${value}"`] : { [name]: value });
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [
        { name: 'team-notifications', webhook: { url: team.url } },
        { name: 'pager', webhook: { url: pager.url } },
        { name: 'cost-owners', webhook: { url: cost.url } },
        { name: 'security-owners', webhook: { url: security.url } },
      ],
      route: {
        receiver: 'team-notifications',
        groupBy: ['alertname', 'severity'],
        groupWait: '0s',
        routes: [
          { receiver: 'pager', matchers: m('severity', 'critical'), continue: true },
          { receiver: 'cost-owners', matchers: m('category', 'cost') },
          { receiver: 'security-owners', matchers: m('category', 'security') },
        ],
      },
    });
    return { d, team, pager, cost, security };
  }

  for (const form of ['list', 'map'] as const) {
    it(`sends critical to the pager, cost to its owners, both with continue, the rest to the default (matchers as a ${form})`, async () => {
      const { d, team, pager, cost, security } = await seedRouting(form);
      d.update(
        [
          makeAlert({ name: 'HighErrorRate', severity: 'critical', category: 'availability' }),
          makeAlert({ name: 'DailyCostExceeded', severity: 'warning', category: 'cost' }),
          makeAlert({ name: 'CostSpike', severity: 'critical', category: 'cost' }),
          makeAlert({ name: 'PromptInjection', severity: 'warning', category: 'security' }),
          makeAlert({ name: 'HighLatency', severity: 'warning', category: 'performance' }),
        ],
        T0,
      );
      await drain(d);
      const names = (r: Receiver) => r.requests.flatMap(alertnames).sort();
      expect(names(pager)).toEqual(['CostSpike:critical', 'HighErrorRate:critical']);
      expect(names(cost)).toEqual(['CostSpike:critical', 'DailyCostExceeded:warning']);
      expect(names(security)).toEqual(['PromptInjection:warning']);
      // HighErrorRate matched the pager route (with continue) and nothing after it: it does not
      // fall back to the default receiver.
      expect(names(team)).toEqual(['HighLatency:warning']);
      expect(d.deliveries().map((r) => r.receiver).sort()).toEqual(['cost-owners', 'cost-owners', 'pager', 'pager', 'security-owners', 'team-notifications']);
    });
  }

  it('takes only the first matching route without continue, and matches regular expressions and negations', async () => {
    const first = await startReceiver();
    const second = await startReceiver();
    const fallback = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [
        { name: 'first', webhook: { url: first.url } },
        { name: 'second', webhook: { url: second.url } },
        { name: 'fallback', webhook: { url: fallback.url } },
      ],
      route: {
        receiver: 'fallback',
        groupWait: '0s',
        routes: [
          { receiver: 'first', matchers: ['category=~"cost|security"', 'severity!="info"'] },
          { receiver: 'second', matchers: ['category=~"cost|availability"'] },
          { receiver: 'second', matchers: ['model!~"gpt-.*"', 'category="quality"'] },
        ],
      },
    });
    d.update(
      [
        makeAlert({ name: 'A', category: 'cost' }), // first only (no continue)
        makeAlert({ name: 'B', category: 'security' }), // first
        makeAlert({ name: 'C', category: 'cost', severity: 'info' }), // severity!="info" fails → second
        makeAlert({ name: 'D', category: 'availability' }), // second
        makeAlert({ name: 'E', category: 'quality', labels: { model: 'gpt-4o' } }), // fallback
        makeAlert({ name: 'F', category: 'quality', labels: { model: 'claude' } }), // second
        makeAlert({ name: 'G', category: 'performance' }), // the regex is anchored: fallback
      ],
      T0,
    );
    await drain(d);
    const names = (r: Receiver) => r.requests.flatMap((x) => (x.json as WebhookBody).alerts.map((a) => a.labels.alertname)).sort();
    expect(names(first)).toEqual(['A', 'B']);
    expect(names(second)).toEqual(['C', 'D', 'F']);
    expect(names(fallback)).toEqual(['E', 'G']);
  });

  it('uses the deepest matching route of a nested tree, with timings inherited from its parents', async () => {
    const deep = await startReceiver();
    const mid = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [
        { name: 'root', webhook: { url: 'http://127.0.0.1:9/never' } },
        { name: 'mid', webhook: { url: mid.url } },
        { name: 'deep', webhook: { url: deep.url } },
      ],
      route: {
        receiver: 'root',
        groupWait: '10s',
        routes: [{ receiver: 'mid', matchers: { team: 'payments' }, routes: [{ receiver: 'deep', matchers: { severity: 'critical' } }] }],
      },
    });
    d.update([makeAlert({ name: 'X', severity: 'critical', labels: { team: 'payments' } }), makeAlert({ name: 'Y', labels: { team: 'payments' } })], T0);
    d.flush(T0 + 9_999);
    await drain(d);
    expect(deep.requests.length + mid.requests.length).toBe(0);
    d.flush(T0 + 10_000);
    await drain(d);
    expect(deep.requests.flatMap(alertnames)).toEqual(['X:critical']);
    expect(mid.requests.flatMap(alertnames)).toEqual(['Y:warning']);
  });
});

describe('routing and projects', () => {
  it('lets alerts of projects other than default enter only routes that match on project, whatever labels they carry', async () => {
    const ops = await startReceiver();
    const paymentsPager = await startReceiver();
    const criticalPager = await startReceiver();
    const acme = await startReceiver();
    const acmePager = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [
        { name: 'ops', webhook: { url: ops.url } },
        { name: 'payments-pager', webhook: { url: paymentsPager.url } },
        { name: 'critical-pager', webhook: { url: criticalPager.url } },
        { name: 'acme', webhook: { url: acme.url } },
        { name: 'acme-pager', webhook: { url: acmePager.url } },
      ],
      route: {
        receiver: 'ops',
        groupWait: '0s',
        groupBy: ['...'],
        routes: [
          // Routes on labels a tenant can choose: a rule's labels, alertname, severity, category,
          // or a groupBy dimension whose value comes from the tenant's data.
          { receiver: 'payments-pager', matchers: ['team="payments"'] },
          { receiver: 'critical-pager', matchers: { severity: 'critical' } },
          // A project's own subtree: below a project matcher every label routes as usual.
          { receiver: 'acme', matchers: { project: 'acme' }, routes: [{ receiver: 'acme-pager', matchers: ['severity="critical"'] }] },
        ],
      },
    });
    d.update(
      [
        makeAlert({ name: 'OpsPayments', labels: { team: 'payments' } }),
        makeAlert({ name: 'OpsCritical', severity: 'critical' }),
        // A tenant whose data says team=payments and whose rule says critical.
        makeAlert({ name: 'OtherSteers', project: 'other', severity: 'critical', labels: { team: 'payments' } }),
        makeAlert({ name: 'AcmeCritical', project: 'acme', severity: 'critical', labels: { team: 'payments' } }),
        makeAlert({ name: 'AcmeWarning', project: 'acme' }),
      ],
      T0,
    );
    await drain(d);
    const names = (r: Receiver) => r.requests.flatMap((x) => (x.json as WebhookBody).alerts.map((a) => `${a.labels.project}/${a.labels.alertname}`)).sort();
    expect(names(paymentsPager)).toEqual(['default/OpsPayments']);
    expect(names(criticalPager)).toEqual(['default/OpsCritical']);
    expect(names(ops)).toEqual(['other/OtherSteers']);
    expect(names(acmePager)).toEqual(['acme/AcmeCritical']);
    expect(names(acme)).toEqual(['acme/AcmeWarning']);
  });

  it('lets every project through a route without matchers and a route matching project by regular expression', async () => {
    const audit = await startReceiver();
    const shared = await startReceiver();
    const ops = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [
        { name: 'audit', webhook: { url: audit.url } },
        { name: 'shared', webhook: { url: shared.url } },
        { name: 'ops', webhook: { url: ops.url } },
      ],
      route: {
        receiver: 'ops',
        groupWait: '0s',
        routes: [
          { receiver: 'audit', matchers: ['project=~".+"'], continue: true },
          { routes: [{ receiver: 'shared', matchers: ['category="cost"'] }] },
        ],
      },
    });
    d.update([makeAlert({ name: 'Mine', category: 'cost' }), makeAlert({ name: 'Theirs', project: 'other', category: 'cost' })], T0);
    await drain(d);
    const names = (r: Receiver) => r.requests.flatMap((x) => (x.json as WebhookBody).alerts.map((a) => `${a.labels.project}/${a.labels.alertname}`)).sort();
    expect(names(audit)).toEqual(['default/Mine', 'other/Theirs']);
    // The route without matchers takes both; its child on a chosen label only the default's.
    expect(names(shared)).toEqual(['default/Mine']);
    expect(names(ops)).toEqual(['other/Theirs']);
  });
});

describe('routing, map matchers', () => {
  it('matches a map value containing quotes and backslashes literally', async () => {
    const hook = await startReceiver();
    const other = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [
        { name: 'hook', webhook: { url: hook.url } },
        { name: 'other', webhook: { url: other.url } },
      ],
      route: { receiver: 'other', groupWait: '0s', routes: [{ receiver: 'hook', matchers: { team: 'say "hi" \\o/' } }] },
    });
    d.update([makeAlert({ labels: { team: 'say "hi" \\o/' } })], T0);
    await drain(d);
    expect(hook.requests).toHaveLength(1);
    expect(other.requests).toHaveLength(0);
  });
});

describe('grouping', () => {
  it('sends alerts with the same group labels in one call, other groups and other projects separately', async () => {
    const hook = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [{ name: 'team', webhook: { url: hook.url } }],
      route: { receiver: 'team', groupBy: ['alertname'], groupWait: '0s' },
    });
    d.update(
      [
        makeAlert({ name: 'HighLatency', labels: { model: 'a' } }),
        makeAlert({ name: 'HighLatency', labels: { model: 'b' } }),
        makeAlert({ name: 'HighLatency', severity: 'critical', labels: { model: 'c' } }),
        makeAlert({ name: 'CostSpike', category: 'cost' }),
        makeAlert({ name: 'HighLatency', project: 'other', labels: { model: 'a' } }),
      ],
      T0,
    );
    await drain(d);
    const calls = hook.requests.map((r) => r.json as WebhookBody);
    expect(calls).toHaveLength(3);
    const key = (b: WebhookBody) => `${b.groupLabels.project}/${b.groupLabels.alertname}`;
    const byKey = new Map(calls.map((b) => [key(b), b]));
    expect([...byKey.keys()].sort()).toEqual(['default/CostSpike', 'default/HighLatency', 'other/HighLatency']);
    expect(byKey.get('default/HighLatency')!.alerts.map((a) => a.labels.model).sort()).toEqual(['a', 'b', 'c']);
    expect(byKey.get('other/HighLatency')!.alerts.map((a) => a.labels.project)).toEqual(['other']);
    expect(byKey.get('other/HighLatency')!.commonLabels.project).toBe('other');
  });

  it("groups by every label with '...'", async () => {
    const hook = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [{ name: 'team', webhook: { url: hook.url } }],
      route: { receiver: 'team', groupBy: ['...'], groupWait: '0s' },
    });
    d.update([makeAlert({ labels: { model: 'a' } }), makeAlert({ labels: { model: 'b' } })], T0);
    await drain(d);
    expect(hook.requests).toHaveLength(2);
    for (const r of hook.requests) expect((r.json as WebhookBody).groupLabels).toEqual((r.json as WebhookBody).alerts[0].labels);
  });
});

describe('timing (the default 30s / 5m / 4h)', () => {
  it('waits groupWait, batches changes by groupInterval, repeats after repeatInterval and resolves once', async () => {
    const hook = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [{ name: 'team', webhook: { url: hook.url } }],
      route: { receiver: 'team' },
    });
    const count = async () => {
      await drain(d);
      return hook.requests.length;
    };
    const a = makeAlert({ labels: { model: 'a' } });
    const b = makeAlert({ labels: { model: 'b' } });

    d.update([a], T0);
    expect(await count()).toBe(0);
    d.update([a], T0 + 29_999);
    expect(await count()).toBe(0);
    d.update([a], T0 + 30_000); // groupWait
    expect(await count()).toBe(1);
    expect(alertnames(hook.requests[0])).toHaveLength(1);
    const firstSend = T0 + 30_000;

    // A new alert in the group waits for groupInterval after the last send.
    d.update([a, b], firstSend + 1_000);
    d.flush(firstSend + 299_999);
    expect(await count()).toBe(1);
    d.flush(firstSend + 300_000);
    expect(await count()).toBe(2);
    expect((hook.requests[1].json as WebhookBody).alerts.map((x) => x.labels.model).sort()).toEqual(['a', 'b']);
    const secondSend = firstSend + 300_000;

    // Unchanged: nothing at groupInterval, again after repeatInterval.
    d.update([a, b], secondSend + 300_000);
    d.flush(secondSend + 4 * 3_600_000 - 1);
    expect(await count()).toBe(2);
    d.flush(secondSend + 4 * 3_600_000);
    expect(await count()).toBe(3);
    expect((hook.requests[2].json as WebhookBody).alerts).toHaveLength(2);
    const thirdSend = secondSend + 4 * 3_600_000;

    // Everything resolves: one resolved notification (after groupInterval), then nothing.
    const ra = resolved(a, thirdSend + 10_000);
    const rb = resolved(b, thirdSend + 10_000);
    d.update([ra, rb], thirdSend + 10_000);
    expect(await count()).toBe(3);
    d.flush(thirdSend + 300_000);
    expect(await count()).toBe(4);
    const last = hook.requests[3].json as WebhookBody;
    expect(last.status).toBe('resolved');
    expect(last.alerts.map((x) => x.status)).toEqual(['resolved', 'resolved']);
    // The engine keeps passing resolved alerts on for a while; they are not sent again.
    for (const t of [thirdSend + 600_000, thirdSend + 5 * 3_600_000, thirdSend + 10 * 3_600_000]) {
      d.update([ra, rb], t);
      d.flush(t + 1);
    }
    expect(await count()).toBe(4);
  });

  it('sends the resolved notification even when the engine stopped passing the resolved alert before groupInterval', async () => {
    const hook = await startReceiver();
    const d = dispatcher({ allowedHosts: ['127.0.0.1'], receivers: [{ name: 'team', webhook: { url: hook.url } }], route: { receiver: 'team', groupWait: '0s', groupInterval: '1h' } });
    const a = makeAlert();
    d.update([a], T0);
    await drain(d);
    expect(hook.requests).toHaveLength(1);
    // Resolved 1 minute later; passed on for 15 minutes of 30 s evaluations, then no longer.
    const ra = resolved(a, T0 + 60_000);
    for (let t = T0 + 60_000; t <= T0 + 16 * 60_000; t += 30_000) d.update([ra], t);
    for (let t = T0 + 16 * 60_000; t < T0 + 3_600_000; t += 30_000) d.update([], t);
    await drain(d);
    expect(hook.requests).toHaveLength(1);
    d.update([], T0 + 3_600_000);
    await drain(d);
    expect(hook.requests).toHaveLength(2);
    const body = hook.requests[1].json as WebhookBody;
    expect(body.status).toBe('resolved');
    expect(body.alerts.map((x) => [x.fingerprint, x.status, x.endsAt])).toEqual([[a.fingerprint, 'resolved', new Date(T0 + 60_000).toISOString()]]);
    // Then the group is gone: nothing more.
    d.update([], T0 + 10 * 3_600_000);
    await drain(d);
    expect(hook.requests).toHaveLength(2);
  });

  it('does not notify an alert that resolved before its group was ever sent', async () => {
    const hook = await startReceiver();
    const d = dispatcher({ allowedHosts: ['127.0.0.1'], receivers: [{ name: 'team', webhook: { url: hook.url } }], route: { receiver: 'team', groupWait: '30s' } });
    const a = makeAlert();
    d.update([a], T0);
    d.update([resolved(a, T0 + 10_000)], T0 + 10_000);
    d.flush(T0 + 60_000);
    expect(await drain(d).then(() => hook.requests.length)).toBe(0);
  });
});

describe('silences and inhibition', () => {
  it('never sends silenced alerts; inhibited ones only to Alertmanager', async () => {
    const hook = await startReceiver();
    const slack = await startReceiver();
    const pd = await startReceiver();
    const am = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [
        { name: 'hook', webhook: { url: hook.url } },
        { name: 'slack', slack: { url: slack.url } },
        { name: 'pd', pagerduty: { routingKey: 'k', url: pd.url } },
        { name: 'am', alertmanager: { url: am.url.replace('/hook', '') } },
      ],
      route: {
        receiver: 'hook',
        groupWait: '0s',
        routes: [
          { receiver: 'am', matchers: ['alertname=~".+"'], continue: true },
          { receiver: 'slack', matchers: ['alertname=~".+"'], continue: true },
          { receiver: 'pd', matchers: ['alertname=~".+"'], continue: true },
          { receiver: 'hook', matchers: ['alertname=~".+"'] },
        ],
      },
    });
    const crit = makeAlert({ name: 'HighLatency', severity: 'critical' });
    const inhibited = makeAlert({ name: 'HighLatency', severity: 'warning', inhibitedBy: [crit.fingerprint] });
    const silenced = makeAlert({ name: 'CostSpike', category: 'cost', silencedBy: ['silence-1'] });
    d.update([crit, inhibited, silenced], T0);
    await drain(d);
    const fps = (r: Receiver) => r.requests.flatMap((x) => (x.json as WebhookBody).alerts?.map((a) => a.fingerprint) ?? []);
    expect(fps(hook)).toEqual([crit.fingerprint]);
    expect(pd.requests.map((r) => (r.json as { dedup_key: string }).dedup_key)).toEqual([crit.fingerprint]);
    expect(slack.requests).toHaveLength(1);
    expect((slack.requests[0].json as { text: string }).text).toBe('[FIRING:1] HighLatency');
    // Alertmanager gets the inhibited alert too (it inhibits by its own rules), not the silenced one.
    expect(am.requests).toHaveLength(1);
    expect(am.requests[0].path).toBe('/api/v2/alerts');
    const pushed = am.requests[0].json as { labels: Record<string, string> }[];
    expect(pushed.map((p) => p.labels.severity).sort()).toEqual(['critical', 'warning']);
    expect(pushed.some((p) => p.labels.alertname === 'CostSpike')).toBe(false);
  });
});

describe('Alertmanager receiver', () => {
  it('pushes every firing alert with endsAt ahead, again after resendInterval or on a change, and resolved alerts with their end', async () => {
    const am = await startReceiver();
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      receivers: [
        { name: 'hook', webhook: { url: 'http://127.0.0.1:9/unused' } },
        { name: 'am', alertmanager: { url: am.url.replace('/hook', '/'), resendInterval: '1m' } },
      ],
      route: { receiver: 'hook', groupWait: '1h', routes: [{ receiver: 'am', matchers: ['alertname=~".+"'] }] },
    });
    type Pushed = { labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string }[];
    const a = makeAlert();
    d.update([a], T0);
    await drain(d);
    expect(am.requests).toHaveLength(1); // no group wait for Alertmanager: it groups itself
    expect(am.requests[0].json as Pushed).toEqual([
      { labels: a.labels, annotations: a.annotations, startsAt: new Date(a.firedAtMs!).toISOString(), endsAt: new Date(T0 + 4 * 60_000).toISOString() },
    ]);
    d.update([a], T0 + 59_000);
    await drain(d);
    expect(am.requests).toHaveLength(1);
    d.update([a], T0 + 60_000);
    await drain(d);
    expect(am.requests).toHaveLength(2);
    expect((am.requests[1].json as Pushed)[0].endsAt).toBe(new Date(T0 + 5 * 60_000).toISOString());
    d.update([resolved(a, T0 + 61_000)], T0 + 61_000);
    await drain(d);
    expect(am.requests).toHaveLength(3);
    expect((am.requests[2].json as Pushed)[0].endsAt).toBe(new Date(T0 + 61_000).toISOString());
  });
});

describe('retries, timeouts and delivery records', () => {
  const oneHook = (url: string, extra: Record<string, unknown> = {}) => ({
    allowedHosts: ['127.0.0.1'],
    receivers: [{ name: 'hook', webhook: { url } }],
    route: { receiver: 'hook', groupWait: '0s' },
    ...extra,
  });

  it('retries 5xx and records one delivery with the attempts', async () => {
    const hook = await startReceiver((_r, n, res) => res.writeHead(n <= 2 ? 500 : 200).end());
    const registry = new Registry();
    const d = dispatcher(oneHook(hook.url), { registry });
    d.update([makeAlert()], T0);
    await drain(d);
    expect(hook.requests).toHaveLength(3);
    expect(hook.requests[0].body).toBe(hook.requests[2].body);
    const records = d.deliveries();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject<Partial<DeliveryRecord>>({ receiver: 'hook', type: 'webhook', status: 'firing', alerts: 1, attempts: 3, ok: true, httpStatus: 200, error: null, projectId: 'default', atMs: T0 });
  });

  it('does not retry a 4xx', async () => {
    const hook = await startReceiver((_r, _n, res) => res.writeHead(400).end('bad'));
    const d = dispatcher(oneHook(hook.url));
    d.update([makeAlert()], T0);
    await drain(d);
    expect(hook.requests).toHaveLength(1);
    expect(d.deliveries()[0]).toMatchObject({ attempts: 1, ok: false, httpStatus: 400, error: 'HTTP 400' });
  });

  it('gives up after the configured retries', async () => {
    const hook = await startReceiver((_r, _n, res) => res.writeHead(503).end());
    const d = dispatcher(oneHook(hook.url, { retries: 2 }));
    d.update([makeAlert()], T0);
    await drain(d);
    expect(hook.requests).toHaveLength(3);
    expect(d.deliveries()[0]).toMatchObject({ attempts: 3, ok: false, httpStatus: 503, error: 'HTTP 503' });
  });

  it('waits as long as Retry-After says after a 429', async () => {
    const hook = await startReceiver((_r, n, res) => (n === 1 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.writeHead(200).end()));
    const d = dispatcher(oneHook(hook.url));
    d.update([makeAlert()], T0);
    await drain(d);
    expect(hook.requests).toHaveLength(2);
    const waitedMs = hook.requests[1].atMs - hook.requests[0].atMs;
    // retryBaseMs is 10 ms: only Retry-After explains a wait of a second.
    expect(waitedMs).toBeGreaterThanOrEqual(950);
    expect(waitedMs).toBeLessThan(5_000);
    expect(d.deliveries()[0]).toMatchObject({ attempts: 2, ok: true, httpStatus: 200 });
  });

  it('does not block update() on a receiver that never answers; the others still get theirs', async () => {
    const silent = await startReceiver(() => {
      // never answers
    });
    // What the dispatcher had finished when the other receiver's request arrived: ordering, not
    // wall time, shows the silent receiver did not hold it up.
    let silentDoneWhenFineArrived: number | undefined;
    const fine = await startReceiver((_r, _n, res) => {
      silentDoneWhenFineArrived = d.deliveries({ receiver: 'silent' }).length;
      res.writeHead(200).end('ok');
    });
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      timeout: '2s',
      retries: 0,
      receivers: [
        { name: 'silent', webhook: { url: silent.url } },
        { name: 'fine', slack: { url: fine.url } },
      ],
      route: { receiver: 'silent', groupWait: '0s', routes: [{ receiver: 'silent', matchers: ['alertname=~".+"'], continue: true }, { receiver: 'fine', matchers: ['alertname=~".+"'] }] },
    });
    d.update([makeAlert()], T0);
    // Sending happens after update() returns: nothing has been sent or recorded yet.
    expect(silent.requests.length + fine.requests.length).toBe(0);
    expect(d.deliveries()).toHaveLength(0);
    await until('the other receiver to get its notification', () => d.deliveries({ receiver: 'fine' })[0], 10_000);
    expect(silentDoneWhenFineArrived).toBe(0);
    expect(d.deliveries({ receiver: 'fine' })[0]).toMatchObject({ ok: true, httpStatus: 200 });
    const record = await until('the silent receiver to time out', () => d.deliveries({ receiver: 'silent' })[0], 15_000);
    expect(silent.requests).toHaveLength(1);
    expect(record).toMatchObject({ ok: false, attempts: 1, httpStatus: null, error: 'no answer within 2000 ms' });
    expect(record.durationMs).toBeGreaterThanOrEqual(1_900);
  });

  it('a receiver that never answers holds only some of the sending slots: many of its groups do not delay another receiver', async () => {
    const silent = await startReceiver(() => {
      // never answers
    });
    let silentState: { requests: number; done: number } | undefined;
    const fine = await startReceiver((_r, _n, res) => {
      silentState = { requests: silent.requests.length, done: d.deliveries({ receiver: 'silent' }).length };
      res.writeHead(200).end('ok');
    });
    const d = dispatcher({
      allowedHosts: ['127.0.0.1'],
      timeout: '2s',
      retries: 0,
      receivers: [
        { name: 'silent', webhook: { url: silent.url } },
        { name: 'fine', webhook: { url: fine.url } },
      ],
      route: { receiver: 'silent', groupWait: '0s', routes: [{ receiver: 'fine', matchers: ['category="quality"'] }] },
    });
    // 30 groups for the silent receiver, queued before the one for the other.
    const alerts = [...Array.from({ length: 30 }, (_, i) => makeAlert({ name: `Cost${i}`, category: 'cost' })), makeAlert({ name: 'Quality', category: 'quality' })];
    d.update(alerts, T0);
    await until('the other receiver to get its notification', () => fine.requests.length === 1, 15_000);
    // It got its turn while every silent request was still hanging (none had timed out), and the
    // silent receiver held no more than its share of the slots.
    expect(silentState).toEqual({ requests: expect.any(Number), done: 0 });
    expect(silentState!.requests).toBeGreaterThan(0);
    expect(silentState!.requests).toBeLessThan(30);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.UTC(2026, 10, 20, 12, 0, 0);
    expect(retryAfterMsOf('7', now)).toBe(7_000);
    expect(retryAfterMsOf(new Date(now + 42_000).toUTCString(), now)).toBe(42_000);
    expect(retryAfterMsOf(new Date(now - 5_000).toUTCString(), now)).toBeNull();
    expect(retryAfterMsOf('0', now)).toBeNull();
    expect(retryAfterMsOf('soon', now)).toBeNull();
    expect(retryAfterMsOf(null, now)).toBeNull();
  });

  it('records a refused (SSRF) delivery without calling the receiver', async () => {
    const hook = await startReceiver();
    const registry = new Registry();
    const d = dispatcher({ ...oneHook(hook.url), allowedHosts: [] }, { registry });
    d.update([makeAlert()], T0);
    await drain(d);
    expect(hook.requests).toHaveLength(0);
    expect(d.deliveries()[0]).toMatchObject({ ok: false, attempts: 1, httpStatus: null });
    expect(d.deliveries()[0].error).toBe("refused: the receiver's host is a loopback address; allow it in alerts.notifications.allowedHosts");
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'lookout_alert_notifications_total')!;
    expect(metric.values).toEqual([{ labels: { receiver_type: 'webhook', outcome: 'refused' }, value: 1 }]);
  });

  it('refuses a name resolving to a private address through the injected lookup; the address is in the log, not the record', async () => {
    const logged: unknown[] = [];
    const logger = { warn: (o: unknown) => logged.push(o), error: () => {} } as unknown as DispatcherDeps['logger'];
    const d = dispatcher(
      { allowedHosts: [], receivers: [{ name: 'hook', webhook: { url: 'http://hooks.internal.example/x' } }], route: { receiver: 'hook', groupWait: '0s' } },
      { lookup: async () => [{ address: '10.1.2.3', family: 4 }], logger },
    );
    d.update([makeAlert()], T0);
    await drain(d);
    const record = d.deliveries()[0];
    expect(record.error).toBe("refused: the receiver's host resolves to a private address; allow it in alerts.notifications.allowedHosts");
    expect(JSON.stringify(record)).not.toContain('10.1.2.3');
    expect(logged).toContainEqual(
      expect.objectContaining({ delivery: record.id, error: 'refused: 10.1.2.3 (hooks.internal.example) is a private address; add it to alerts.notifications.allowedHosts to allow it' }),
    );
  });

  it('connects to the address its one lookup checked, keeping the host name in the request', async () => {
    // hooks.lookout.test exists only in this lookup: the request can reach the receiver only
    // through the address the guard resolved and checked. A second lookup would rebind it.
    const hook = await startReceiver();
    const port = new URL(hook.url).port;
    const answers = ['127.0.0.1', '10.9.9.9'];
    const asked: string[] = [];
    const lookup = async (host: string) => {
      asked.push(host);
      return [{ address: answers[Math.min(asked.length - 1, answers.length - 1)]!, family: 4 }];
    };
    const d = dispatcher(
      { allowedHosts: ['127.0.0.1'], receivers: [{ name: 'hook', webhook: { url: `http://hooks.lookout.test:${port}/pinned` } }], route: { receiver: 'hook', groupWait: '0s' } },
      { lookup },
    );
    d.update([makeAlert()], T0);
    await drain(d);
    expect(d.deliveries()[0]).toMatchObject({ ok: true, httpStatus: 200, error: null });
    expect(asked).toEqual(['hooks.lookout.test']);
    expect(hook.requests).toHaveLength(1);
    expect(hook.requests[0]!.path).toBe('/pinned');
    expect(hook.requests[0]!.headers.host).toBe(`hooks.lookout.test:${port}`);
  });

  it('names no address in the record of a network error', async () => {
    const logged: unknown[] = [];
    const logger = { warn: (o: unknown) => logged.push(o), error: () => {} } as unknown as DispatcherDeps['logger'];
    const closed = await startReceiver();
    await closed.close(); // a port nothing listens on any more
    const d = dispatcher({ ...oneHook(closed.url), allowedHosts: ['127.0.0.1'], retries: 0 }, { logger });
    d.update([makeAlert()], T0);
    await drain(d);
    expect(d.deliveries()[0]).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
    expect(JSON.stringify(d.deliveries()[0])).not.toContain('127.0.0.1');
    expect(JSON.stringify(logged)).toContain(`ECONNREFUSED 127.0.0.1:${new URL(closed.url).port}`);
  });
});

describe('metrics', () => {
  it('registers its series once per registry, however many dispatchers use it', () => {
    const registry = new Registry();
    const first = registerNotificationMetrics(registry);
    expect(() => new Dispatcher(notificationsSchema.parse({}), { registry })).not.toThrow();
    expect(registerNotificationMetrics(registry).sent).toBe(first.sent);
  });

  it('counts notifications by receiver type and outcome', async () => {
    const hook = await startReceiver();
    const bad = await startReceiver((_r, _n, res) => res.writeHead(404).end());
    const registry = new Registry();
    const d = dispatcher(
      {
        allowedHosts: ['127.0.0.1'],
        receivers: [
          { name: 'hook', webhook: { url: hook.url } },
          { name: 'bad', slack: { url: bad.url } },
        ],
        route: { receiver: 'hook', groupBy: ['alertname'], groupWait: '0s', routes: [{ receiver: 'bad', matchers: { category: 'cost' } }] },
      },
      { registry },
    );
    d.update([makeAlert({ name: 'A' }), makeAlert({ name: 'B' }), makeAlert({ name: 'C' }), makeAlert({ name: 'D', category: 'cost' })], T0);
    await drain(d);
    expect(hook.requests).toHaveLength(3);
    const text = await registry.metrics();
    expect(text).toContain('lookout_alert_notifications_total{receiver_type="webhook",outcome="ok"} 3');
    expect(text).toContain('lookout_alert_notifications_total{receiver_type="slack",outcome="failed"} 1');
    expect(text).toContain('lookout_alert_notification_queue_depth 0');
    expect(text).toContain('lookout_alert_notification_queue_dropped_total 0');
  });
});
