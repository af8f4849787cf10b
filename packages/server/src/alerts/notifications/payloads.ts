import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Alert } from '../types.ts';
import type { ReceiverConfig } from './config.ts';

// F4: what each kind of receiver is sent. One notification is one group of alerts for one
// receiver; a receiver turns it into one HTTP request (webhook, Slack, Alertmanager) or one per
// alert (PagerDuty events).

export interface Notification {
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  // Firing alerts and alerts resolved since the group was last notified.
  alerts: Alert[];
}

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  fingerprints: string[];
}

const iso = (ms: number | null) => (ms === null ? '0001-01-01T00:00:00Z' : new Date(ms).toISOString());

function common(alerts: Alert[], pick: (a: Alert) => Record<string, string>): Record<string, string> {
  if (!alerts.length) return {};
  const out: Record<string, string> = { ...pick(alerts[0]) };
  for (const a of alerts.slice(1)) {
    const other = pick(a);
    for (const k of Object.keys(out)) if (other[k] !== out[k]) delete out[k];
  }
  return out;
}

const statusOf = (alerts: Alert[]) => (alerts.some((a) => a.state === 'firing') ? 'firing' : 'resolved');

// The webhook signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>"> with the secret.
export const SIGNATURE_HEADER = 'x-lookout-signature';

export function sign(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

// For receivers: true when `header` is a signature of `body` with `secret`, made within
// `toleranceS` seconds of `nowS` (replays of old bodies are refused).
export function verifySignature(secret: string, header: string | undefined, body: string, toleranceS = 300, nowS = Math.floor(Date.now() / 1000)): boolean {
  if (!header) return false;
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header.trim());
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(nowS - t) > toleranceS) return false;
  const want = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'), 'hex');
  const got = Buffer.from(m[2], 'hex');
  return want.length === got.length && timingSafeEqual(want, got);
}

export function webhookRequest(receiver: ReceiverConfig, n: Notification, nowMs: number): OutboundRequest {
  const body = JSON.stringify({
    version: '1',
    receiver: n.receiver,
    status: statusOf(n.alerts),
    groupKey: n.groupKey,
    groupLabels: n.groupLabels,
    commonLabels: common(n.alerts, (a) => a.labels),
    commonAnnotations: common(n.alerts, (a) => a.annotations),
    alerts: n.alerts.map((a) => ({
      status: a.state === 'firing' ? 'firing' : 'resolved',
      labels: a.labels,
      annotations: a.annotations,
      startsAt: iso(a.firedAtMs ?? a.activeSinceMs),
      endsAt: a.state === 'resolved' ? iso(a.resolvedAtMs) : iso(null),
      fingerprint: a.fingerprint,
      value: a.value,
    })),
  });
  const headers: Record<string, string> = { 'content-type': 'application/json', ...receiver.webhook!.headers };
  if (receiver.webhook!.secret) headers[SIGNATURE_HEADER] = sign(receiver.webhook!.secret, body, Math.floor(nowMs / 1000));
  return { url: receiver.webhook!.url, headers, body, fingerprints: n.alerts.map((a) => a.fingerprint) };
}

// Slack refuses a message (400 invalid_blocks, which is not retried) whose header text is longer
// than 150 characters or whose section text is longer than 3,000.
const SLACK_HEADER_MAX_CHARS = 150;
const SLACK_SECTION_MAX_CHARS = 3_000;

const clip = (text: string, maxChars: number) => (text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`);

// As many whole lines as fit, then how many were left out.
function fitLines(lines: string[], maxChars: number): string {
  const kept: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const more = lines.length - i - 1;
    const tail = more > 0 ? `\n… and ${more} more` : '';
    const piece = clip(line, maxChars - 40);
    if (used + (kept.length ? 1 : 0) + piece.length + tail.length > maxChars) {
      kept.push(`… and ${lines.length - i} more`);
      break;
    }
    kept.push(piece);
    used += (kept.length > 1 ? 1 : 0) + piece.length;
  }
  return kept.join('\n');
}

// Label and annotation text comes from rules (tenants write them through the API) and from the
// data (a model name is whatever a client sent). In Slack's mrkdwn `<...>` is a control sequence
// (<!channel> pings everyone, <url|text> makes a link) and & starts an entity, so these three are
// escaped as Slack asks. That is not enough: Slack also links bare URLs and domain names and
// applies *bold*, _italic_ and ~strike~ to plain text. So such text is shown as inline code,
// where Slack neither links nor formats: a backtick inside it, which would end the code, is
// shown as ˋ, and line breaks and other control characters as spaces (code does not span lines).
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// `text` as inline code of at most `maxChars` characters once escaped, cut with … when longer
// (cut before it is quoted, so the code span is always closed).
export function slackLiteral(text: string, maxChars: number): string {
  const plain = text.replace(/`/g, 'ˋ').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  if (plain === '') return '';
  let out = '';
  for (const ch of plain) {
    const piece = slackEscape(ch);
    if (out.length + piece.length > maxChars - 3) {
      out += '…';
      break;
    }
    out += piece;
  }
  return `\`${out}\``;
}

// A runbook link only when the URL is a plain http(s) URL that cannot close the link syntax.
const SLACK_SAFE_URL = /^https?:\/\/[^\s<>|&`]+$/;

// Per line: the summary, the project and the runbook each within their share, so a line never
// reaches the section limit and is never cut inside a code span or a link.
const SLACK_SUMMARY_MAX_CHARS = 1_200;
const SLACK_PROJECT_MAX_CHARS = 120;
const SLACK_RUNBOOK_MAX_CHARS = 1_200;

const SEVERITY_EMOJI: Record<string, string> = { critical: ':red_circle:', warning: ':warning:', info: ':information_source:' };

export function slackRequest(receiver: ReceiverConfig, n: Notification): OutboundRequest {
  const firing = n.alerts.filter((a) => a.state === 'firing');
  const status = statusOf(n.alerts);
  const name = n.alerts[0]?.labels.alertname ?? 'alert';
  // The header is plain_text, which Slack shows as written; `text` (the notification fallback)
  // and the section are mrkdwn. The alert name is letters, digits and _ (the rule schema's).
  const text = status === 'firing' ? `[FIRING:${firing.length}] ${name}` : `[RESOLVED] ${name}`;
  const lines = n.alerts.map((a) => {
    const mark = a.state === 'firing' ? (SEVERITY_EMOJI[a.labels.severity] ?? '') : ':white_check_mark:';
    const value = a.value === null ? '' : ` (value ${+a.value.toPrecision(4)})`;
    const url = a.annotations.runbook_url;
    const runbook =
      url && SLACK_SAFE_URL.test(url) && url.length <= SLACK_RUNBOOK_MAX_CHARS ? ` · <${url}|runbook>` : url ? ` · runbook: ${slackLiteral(url, SLACK_RUNBOOK_MAX_CHARS)}` : '';
    const summary = slackLiteral(a.annotations.summary ?? a.labels.alertname, SLACK_SUMMARY_MAX_CHARS);
    // Severity and category are from fixed lists.
    return `${mark} ${summary}${value} — ${slackEscape(`${a.labels.severity}, ${a.labels.category}`)}, project ${slackLiteral(a.labels.project, SLACK_PROJECT_MAX_CHARS)}${runbook}`;
  });
  const body = JSON.stringify({
    text: slackEscape(text),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(text, SLACK_HEADER_MAX_CHARS) } },
      { type: 'section', text: { type: 'mrkdwn', text: fitLines(lines, SLACK_SECTION_MAX_CHARS) } },
    ],
  });
  return { url: receiver.slack!.url, headers: { 'content-type': 'application/json' }, body, fingerprints: n.alerts.map((a) => a.fingerprint) };
}

const PD_SEVERITY: Record<string, string> = { critical: 'critical', warning: 'warning', info: 'info' };

// PagerDuty Events API v2: one event per alert, the fingerprint as dedup key so a resolve closes
// the incident its trigger opened.
export function pagerDutyRequests(receiver: ReceiverConfig, n: Notification): OutboundRequest[] {
  const pd = receiver.pagerduty!;
  return n.alerts.map((a) => {
    const event =
      a.state === 'firing'
        ? {
            routing_key: pd.routingKey,
            event_action: 'trigger',
            dedup_key: a.fingerprint,
            payload: {
              summary: (a.annotations.summary ?? a.labels.alertname).slice(0, 1024),
              source: `lookout/${a.labels.project}`,
              severity: PD_SEVERITY[a.labels.severity] ?? 'warning',
              timestamp: iso(a.firedAtMs ?? a.activeSinceMs),
              component: a.labels.model ?? a.labels.application ?? a.labels.feature ?? undefined,
              group: a.labels.project,
              class: a.labels.category,
              custom_details: { labels: a.labels, annotations: a.annotations, value: a.value },
            },
            ...(a.annotations.runbook_url && /^https?:\/\//.test(a.annotations.runbook_url) ? { links: [{ href: a.annotations.runbook_url, text: 'Runbook' }] } : {}),
          }
        : { routing_key: pd.routingKey, event_action: 'resolve', dedup_key: a.fingerprint };
    return { url: pd.url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event), fingerprints: [a.fingerprint] };
  });
}

// Alertmanager's API: every alert with its end time; a firing alert's end is pushed forward on
// every resend, so Alertmanager resolves it by itself if Lookout stops sending.
export function alertmanagerRequest(receiver: ReceiverConfig, alerts: Alert[], nowMs: number, resendMs: number): OutboundRequest {
  const base = receiver.alertmanager!.url.replace(/\/+$/, '');
  const body = JSON.stringify(
    alerts.map((a) => ({
      labels: a.labels,
      annotations: a.annotations,
      startsAt: iso(a.firedAtMs ?? a.activeSinceMs),
      endsAt: a.state === 'resolved' ? iso(a.resolvedAtMs) : iso(nowMs + 4 * resendMs),
    })),
  );
  return { url: `${base}/api/v2/alerts`, headers: { 'content-type': 'application/json' }, body, fingerprints: alerts.map((a) => a.fingerprint) };
}
