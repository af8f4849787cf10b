// Alert notifications end to end: a Lookout server (child process) evaluates rules over calls it
// receives and notifies a real Alertmanager, a signed webhook, Slack and PagerDuty (the last two
// are in-test HTTP servers speaking their wire formats), then the condition ends and everything
// is told it resolved.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { SIGNATURE_HEADER, verifySignature } from '../../packages/server/src/alerts/notifications/payloads.ts';
import { startAlertmanager, type AlertmanagerAlert, type AlertmanagerServer } from './alertmanager-process.ts';
import { makeTempDir, pollUntil, removeTempDir, requireBinary, sleep, startLookout, type LookoutServer } from './harness.ts';
import { MINUTE_MS } from '../../packages/server/src/domain/time.ts';

const SECRET = 'e2e-webhook-signing-secret';
const ROUTING_KEY = 'e2e0routing0key0000000000000000';
const FEATURE = 'e2e-notify';
const CALLS = 6;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

interface Receiver {
  url: string;
  requests: Received[];
  close(): Promise<void>;
}

async function startReceiver(status: number, answer = ''): Promise<Receiver> {
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        // kept as text
      }
      requests.push({ headers: req.headers, body, json });
      res.writeHead(status, { 'content-type': 'application/json' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface WebhookBody {
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string>; fingerprint: string; endsAt: string }[];
}
interface SlackBody {
  text: string;
  blocks: { type: string; text: { type: string; text: string } }[];
}
interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: { summary: string; severity: string; source: string; class: string };
}
interface LookoutAlert {
  fingerprint: string;
  state: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  inhibitedBy: string[];
}
interface Delivery {
  receiver: string;
  type: string;
  status: string;
  ok: boolean;
  attempts: number;
  httpStatus: number | null;
  error: string | null;
}

const rule = (name: string, severity: string, category: string, measure: string, threshold: number) => ({
  name,
  kind: 'threshold',
  query: { measure, filter: { feature: FEATURE } },
  window: '1m',
  threshold,
  for: '0s',
  severity,
  category,
  annotations: {
    summary: `${name} (${severity}): {{ $value }} over {{ $threshold }}`,
    description: `${measure} of ${FEATURE} in the last minute`,
  },
  runbook: `https://runbooks.example.com/${name.toLowerCase()}`,
});

// Two levels of one name (both fire: the critical inhibits the warning), a cost warning and
// an availability warning, over the same calls.
const RULES = [
  rule('E2eTraffic', 'warning', 'performance', 'requests', 2),
  rule('E2eTraffic', 'critical', 'performance', 'requests', 4),
  rule('E2eSpend', 'warning', 'cost', 'cost', 0.5),
  rule('E2eTokens', 'warning', 'availability', 'total_tokens', 100),
];
const ALERT_IDS = ['E2eSpend:warning', 'E2eTokens:warning', 'E2eTraffic:critical', 'E2eTraffic:warning'];
const idOf = (labels: Record<string, string>) => `${labels.alertname}:${labels.severity}`;
const ours = (labels: Record<string, string>) => ALERT_IDS.includes(idOf(labels));

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => console.warn('cleanup failed:', err));
});

describe('alert notifications', () => {
  it('reach Alertmanager, a signed webhook, Slack and PagerDuty, firing and then resolved', async (ctx) => {
    const alertmanagerBin = requireBinary('prometheus-alertmanager', ctx);
    let lookout: LookoutServer | undefined;
    let alertmanager: AlertmanagerServer | undefined;
    const output = () => [alertmanager?.process.output() ?? '', lookout?.output() ?? ''].join('\n');

    // Alertmanager groups and inhibits by its own configuration; its own receiver discards.
    alertmanager = await startAlertmanager(
      alertmanagerBin,
      stringify({
        route: { receiver: 'discard', group_by: ['alertname'], group_wait: '1s', group_interval: '1s', repeat_interval: '1h' },
        receivers: [{ name: 'discard' }],
        inhibit_rules: [{ source_matchers: ['severity="critical"'], target_matchers: ['severity="warning"'], equal: ['alertname'] }],
      }),
      output,
    );
    cleanups.push(() => alertmanager!.stop());

    const webhook = await startReceiver(200, '{}');
    const slack = await startReceiver(200, 'ok');
    const pagerduty = await startReceiver(202, '{"status":"success","message":"Event processed"}');
    cleanups.push(webhook.close, slack.close, pagerduty.close);

    const dir = await makeTempDir('alert-notifications');
    cleanups.push(() => removeTempDir(dir));
    const rulesFile = join(dir, 'rules.yaml');
    await writeFile(rulesFile, stringify({ rules: RULES }));
    const configFile = join(dir, 'lookout.yaml');
    await writeFile(
      configFile,
      stringify({
        alerts: {
          defaultPack: false,
          rules: [rulesFile],
          notifications: {
            allowedHosts: ['127.0.0.1'],
            timeout: '5s',
            receivers: [
              { name: 'alertmanager', alertmanager: { url: alertmanager.url } },
              { name: 'pager', pagerduty: { routingKey: ROUTING_KEY, url: `${pagerduty.url}/v2/enqueue` } },
              { name: 'cost-owners', slack: { url: `${slack.url}/services/T000/B000/XXXX` } },
              { name: 'team', webhook: { url: `${webhook.url}/alerts`, secret: SECRET } },
            ],
            route: {
              receiver: 'team',
              groupBy: ['alertname'],
              groupWait: '1s',
              groupInterval: '1s',
              repeatInterval: '1h',
              // A matching route with `continue` still counts as a match (as in Alertmanager), so
              // the rest of the tree hangs under a route without matchers: what matches none of
              // its children ends there, at the inherited default receiver.
              routes: [
                { receiver: 'alertmanager', matchers: ['alertname=~".+"'], continue: true },
                {
                  routes: [
                    { receiver: 'pager', matchers: { severity: 'critical' }, continue: true },
                    { receiver: 'cost-owners', matchers: ['category="cost"'] },
                  ],
                },
              ],
            },
          },
        },
      }),
    );
    lookout = await startLookout({ dataDir: join(dir, 'data'), env: { LOOKOUT_CONFIG: configFile, LOOKOUT_ALERTS_INTERVAL: '1s' } });
    cleanups.push(() => lookout!.stop());
    const lookoutUrl = lookout.url;
    const getJson = async <T>(path: string): Promise<T> => {
      const response = await fetch(`${lookoutUrl}${path}`, { signal: AbortSignal.timeout(5_000) });
      const text = await response.text();
      if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 500)}`);
      return JSON.parse(text) as T;
    };

    // The condition is kept true for as long as the firing checks take, however slow the machine:
    // a batch of calls is sent into the current minute, and again each time a new minute starts,
    // until the checks are done. A call in minute m counts in a 1m window until the end of minute
    // m + 1, so the window never empties while the feeding goes on; once it stops, the alerts
    // resolve at the end of the minute after the last batch's.
    const sentMs = Date.now();
    let fedMinute = -1;
    let batches = 0;
    const feed = async (): Promise<void> => {
      const nowMs = Date.now();
      const minute = Math.floor(nowMs / MINUTE_MS);
      if (minute === fedMinute) return;
      const batch = Array.from({ length: CALLS }, (_, i) => ({
        type: 'generation',
        id: `e2e-notify-${sentMs}-${batches}-${i}`,
        startTime: new Date(Math.max(minute * MINUTE_MS, nowMs - 1_000) + i).toISOString(),
        durationMs: 300,
        provider: 'openai',
        model: 'gpt-4o-mini',
        feature: FEATURE,
        usage: { input: 50, output: 10 },
        costUsd: 0.25,
      }));
      const ingest = await fetch(`${lookoutUrl}/api/v1/ingest`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ batch }),
        signal: AbortSignal.timeout(10_000),
      });
      const ingestText = await ingest.text();
      expect(ingest.status, ingestText).toBe(200);
      expect((JSON.parse(ingestText) as { accepted: number }).accepted).toBe(CALLS);
      fedMinute = minute;
      batches++;
    };
    await feed();
    let feeding = true;
    let feedError: unknown = null;
    const feeder = (async () => {
      while (feeding) {
        await sleep(1_000);
        if (feeding) await feed().catch((err: unknown) => (feedError ??= err));
      }
    })();
    cleanups.push(async () => {
      feeding = false;
      await feeder;
    });

    // Lookout's own view: all four firing, the warning of E2eTraffic inhibited by its critical.
    const firing = await pollUntil(
      'the four alerts to fire in Lookout',
      async () => {
        const { alerts } = await getJson<{ alerts: LookoutAlert[] }>('/api/v1/alerts?state=firing');
        const mine = alerts.filter((a) => ours(a.labels));
        return mine.length === ALERT_IDS.length ? mine : undefined;
      },
      { timeoutMs: 20_000, context: output },
    );
    const lookoutAlert = new Map(firing.map((a) => [idOf(a.labels), a]));
    expect(lookoutAlert.get('E2eTraffic:warning')!.inhibitedBy).toEqual([lookoutAlert.get('E2eTraffic:critical')!.fingerprint]);
    expect(lookoutAlert.get('E2eSpend:warning')!.inhibitedBy).toEqual([]);

    // Alertmanager has every alert, the inhibited one too, with Lookout's labels and annotations,
    // and applies its own inhibition.
    const inAlertmanager = await pollUntil(
      'Alertmanager to list the alerts, with E2eTraffic:warning inhibited',
      async () => {
        const listed = (await alertmanager!.alerts()).filter((a) => ours(a.labels));
        const byId = new Map(listed.map((a) => [idOf(a.labels), a]));
        if (byId.size !== ALERT_IDS.length) return undefined;
        return byId.get('E2eTraffic:warning')!.status.state === 'suppressed' ? byId : undefined;
      },
      { timeoutMs: 20_000, context: output },
    );
    for (const id of ALERT_IDS) {
      const am = inAlertmanager.get(id)!;
      const own = lookoutAlert.get(id)!;
      expect(am.labels, id).toEqual(own.labels);
      expect(am.labels, id).toMatchObject({ alertname: id.split(':')[0], severity: id.split(':')[1], category: RULES.find((r) => `${r.name}:${r.severity}` === id)!.category, project: 'default' });
      expect(am.annotations, id).toEqual(own.annotations);
      expect(am.annotations.summary, id).toMatch(new RegExp(`^${id.split(':')[0]} \\(${id.split(':')[1]}\\): `));
      expect(am.annotations.runbook_url, id).toBe(`https://runbooks.example.com/${id.split(':')[0].toLowerCase()}`);
      expect(Date.parse(am.endsAt), `${id} endsAt ${am.endsAt}`).toBeGreaterThan(Date.now());
    }
    const inhibitedWarning = inAlertmanager.get('E2eTraffic:warning')!;
    expect(inhibitedWarning.status.inhibitedBy).toEqual([inAlertmanager.get('E2eTraffic:critical')!.fingerprint]);
    for (const id of ['E2eTraffic:critical', 'E2eSpend:warning', 'E2eTokens:warning']) {
      expect(inAlertmanager.get(id)!.status, id).toEqual({ state: 'active', silencedBy: [], inhibitedBy: [] });
    }

    // The webhook: E2eTokens only (E2eTraffic:warning is inhibited, the rest routed elsewhere), signed.
    const firstHook = await pollUntil('the webhook to be notified', () => webhook.requests[0], { timeoutMs: 20_000, context: output });
    expect(verifySignature(SECRET, firstHook.headers[SIGNATURE_HEADER] as string, firstHook.body), `signature ${firstHook.headers[SIGNATURE_HEADER]}`).toBe(true);
    expect(verifySignature('not-the-secret-at-all', firstHook.headers[SIGNATURE_HEADER] as string, firstHook.body)).toBe(false);
    const hookBody = firstHook.json as WebhookBody;
    expect(hookBody.status).toBe('firing');
    expect(hookBody.receiver).toBe('team');
    expect(hookBody.groupLabels).toEqual({ project: 'default', alertname: 'E2eTokens' });
    expect(hookBody.alerts.map((a) => idOf(a.labels))).toEqual(['E2eTokens:warning']);
    expect(hookBody.alerts[0].fingerprint).toBe(lookoutAlert.get('E2eTokens:warning')!.fingerprint);

    // Slack: the cost alert.
    const slackRequest = await pollUntil('Slack to be notified', () => slack.requests[0], { timeoutMs: 20_000, context: output });
    const slackBody = slackRequest.json as SlackBody;
    expect(slackBody.text).toBe('[FIRING:1] E2eSpend');
    expect(slackBody.blocks.map((b) => b.type)).toEqual(['header', 'section']);
    expect(slackBody.blocks[1].text.type).toBe('mrkdwn');
    // Text from rules and data is inline code, where Slack neither links nor formats.
    expect(slackBody.blocks[1].text.text).toContain('`E2eSpend (warning): ');
    expect(slackBody.blocks[1].text.text).toContain('warning, cost, project `default`');

    // PagerDuty: the critical alert, keyed by its fingerprint.
    const trigger = await pollUntil('PagerDuty to get a trigger', () => pagerduty.requests[0], { timeoutMs: 20_000, context: output });
    const triggerEvent = trigger.json as PagerDutyEvent;
    expect(triggerEvent).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger', dedup_key: lookoutAlert.get('E2eTraffic:critical')!.fingerprint });
    expect(triggerEvent.payload).toMatchObject({ severity: 'critical', source: 'lookout/default', class: 'performance' });
    expect(triggerEvent.payload!.summary).toMatch(/^E2eTraffic \(critical\): /);

    // Nothing was refused or failed, and each receiver kind was called.
    const firingDeliveries = await pollUntil(
      'deliveries to every receiver',
      async () => {
        const { deliveries } = await getJson<{ deliveries: Delivery[] }>('/api/v1/alerts/deliveries');
        const receivers = new Set(deliveries.map((d) => d.receiver));
        return ['alertmanager', 'pager', 'cost-owners', 'team'].every((r) => receivers.has(r)) ? deliveries : undefined;
      },
      { timeoutMs: 20_000, context: output },
    );
    expect(firingDeliveries.filter((d) => !d.ok), JSON.stringify(firingDeliveries, null, 1)).toEqual([]);

    // The feeding stops and the calls leave the window: the alerts resolve and every receiver
    // hears of it.
    feeding = false;
    await feeder;
    expect(feedError).toBeNull();
    const expectedResolveMs = (fedMinute + 2) * MINUTE_MS;
    const resolveTimeoutMs = Math.max(0, expectedResolveMs - Date.now()) + 30_000;
    const resolve = await pollUntil(
      'PagerDuty to get a resolve',
      () => pagerduty.requests.map((r) => r.json as PagerDutyEvent).find((e) => e.event_action === 'resolve'),
      { timeoutMs: resolveTimeoutMs, intervalMs: 250, context: output },
    );
    expect(resolve).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: triggerEvent.dedup_key });

    const resolvedHook = await pollUntil(
      'a resolved webhook notification',
      () => webhook.requests.find((r) => (r.json as WebhookBody).status === 'resolved'),
      { timeoutMs: 30_000, context: output },
    );
    expect(verifySignature(SECRET, resolvedHook.headers[SIGNATURE_HEADER] as string, resolvedHook.body)).toBe(true);
    const resolvedBody = resolvedHook.json as WebhookBody;
    expect(resolvedBody.alerts.map((a) => [idOf(a.labels), a.status, a.fingerprint])).toEqual([['E2eTokens:warning', 'resolved', hookBody.alerts[0].fingerprint]]);
    expect(Date.parse(resolvedBody.alerts[0].endsAt)).toBeGreaterThanOrEqual(expectedResolveMs);

    await pollUntil('Slack to get the resolved notification', () => slack.requests.find((r) => (r.json as SlackBody).text === '[RESOLVED] E2eSpend'), {
      timeoutMs: 30_000,
      context: output,
    });

    // Alertmanager: the alerts ended (Lookout pushed them with endsAt = when they resolved), so
    // they are no longer active.
    await pollUntil(
      'Alertmanager to see the alerts resolved',
      async () => {
        const now = Date.now();
        const active = (await alertmanager!.alerts('active=true')).filter((a: AlertmanagerAlert) => ours(a.labels) && Date.parse(a.endsAt) > now);
        return active.length === 0 ? true : undefined;
      },
      { timeoutMs: 30_000, context: output },
    );

    const { deliveries } = await getJson<{ deliveries: Delivery[] }>('/api/v1/alerts/deliveries');
    expect(deliveries.filter((d) => !d.ok), JSON.stringify(deliveries, null, 1)).toEqual([]);
    const kinds = (status: string) => new Set(deliveries.filter((d) => d.status === status).map((d) => d.type));
    expect([...kinds('firing')].sort()).toEqual(['alertmanager', 'pagerduty', 'slack', 'webhook']);
    expect([...kinds('resolved')].sort()).toEqual(['alertmanager', 'pagerduty', 'slack', 'webhook']);
    for (const d of deliveries) expect(d, JSON.stringify(d)).toMatchObject({ ok: true, attempts: 1, error: null });
    // Not notified more than once each way: no repeat within the hour, one resolved message.
    expect(webhook.requests).toHaveLength(2);
    expect(slack.requests).toHaveLength(2);
    expect(pagerduty.requests.map((r) => (r.json as PagerDutyEvent).event_action)).toEqual(['trigger', 'resolve']);
  });
});
