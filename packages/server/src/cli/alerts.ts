import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import type { Answer, Body, Schemas } from '@lookout/client';
import { formatRuleError, loadRuleFiles, parseRuleText, validateRule } from '../alerts/rules/load.ts';
import { answer, apiClient, CliError } from './http.ts';
import { formatTable, type ReportColumn } from './report.ts';

// F3: `lookout alerts list|history|rules|silence|silences|unsilence|test-rule|check`. Everything
// but `check` talks to a running server through the HTTP API.

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace('.000Z', 'Z'));

function groupText(labels: Record<string, string>): string {
  const skip = new Set(['alertname', 'severity', 'category', 'project']);
  return Object.entries(labels)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

const text = (key: string, header: string): ReportColumn => ({ key, header, format: 'text' });

export function formatAlerts(alerts: Schemas['Alert'][]): string {
  const rows = alerts.map((a) => ({
    state: a.state + (a.silencedBy.length ? ' (silenced)' : a.inhibitedBy.length ? ' (inhibited)' : ''),
    severity: a.labels.severity,
    alert: a.labels.alertname,
    group: groupText(a.labels),
    value: a.value === null ? null : String(+a.value.toPrecision(4)),
    since: iso(a.firedAtMs ?? a.activeSinceMs),
    summary: a.annotations.summary ?? '',
  }));
  if (!rows.length) return 'no alerts\n';
  return formatTable(
    [text('state', 'STATE'), text('severity', 'SEVERITY'), text('alert', 'ALERT'), text('group', 'GROUP'), text('value', 'VALUE'), text('since', 'SINCE'), text('summary', 'SUMMARY')],
    rows,
  );
}

export function formatHistory(events: Schemas['AlertEvent'][]): string {
  if (!events.length) return 'no alert history\n';
  return formatTable(
    [text('at', 'AT'), text('alert', 'ALERT'), text('severity', 'SEVERITY'), text('group', 'GROUP'), text('change', 'CHANGE'), text('value', 'VALUE')],
    events.map((e) => ({
      at: iso(e.atMs),
      alert: e.labels.alertname,
      severity: e.labels.severity,
      group: groupText(e.labels),
      change: `${e.from ?? 'new'} -> ${e.to}`,
      value: e.value === null ? null : String(+e.value.toPrecision(4)),
    })),
  );
}

export function formatRules(views: Schemas['RuleView'][]): string {
  return formatTable(
    [text('id', 'ID'), text('kind', 'KIND'), text('severity', 'SEVERITY'), text('source', 'SOURCE'), text('enabled', 'ENABLED'), text('status', 'LAST EVALUATION')],
    views.map((v) => ({
      id: v.rule.id,
      kind: v.rule.kind,
      severity: v.rule.severity,
      source: v.source,
      enabled: v.enabled ? 'yes' : 'no',
      status: v.health.lastError ? `error: ${v.health.lastError}` : v.health.lastEvaluatedMs === null ? 'not yet' : v.health.noData ? 'no data' : 'ok',
    })),
  );
}

export function formatTestOutcome(id: string, outcome: Answer<'/api/v1/alerts/test-rule', 'post'>): string {
  const head = `${id}: ${outcome.noData ? 'no data' : `${outcome.wouldFire} of ${outcome.groups.length} group(s) would fire`}\n`;
  if (!outcome.groups.length) return head;
  return (
    head +
    formatTable(
      [text('group', 'GROUP'), text('value', 'VALUE'), text('active', 'CONDITION')],
      outcome.groups.map((g) => ({
        group: groupText(g.labels) || '(all)',
        value: g.value === null ? 'no data' : String(+g.value.toPrecision(6)),
        active: g.active ? 'holds' : '-',
      })),
    )
  );
}

export function registerAlertsCommand(program: Command, options: { urlOption: () => Option; keyOption: () => Option }): void {
  const { urlOption, keyOption } = options;
  const alerts = program.command('alerts').description('alerts: what fires now, history, rules, silences, and testing rules');
  const apiOf = (o: { url: string; key?: string }) => apiClient({ url: o.url, key: o.key });
  const formatOption = () => new Option('--format <format>', 'table or json').choices(['table', 'json']).default('table');

  alerts
    .command('list')
    .description('alerts pending and firing now (or --state)')
    .option('--state <states>', 'pending, firing, resolved (comma-separated) or all')
    .addOption(formatOption())
    .addOption(urlOption())
    .addOption(keyOption())
    .action(async (o: { state?: string; format: string; url: string; key?: string }) => {
      const res = await answer(apiOf(o).GET('/api/v1/alerts', { params: { query: o.state ? { state: o.state } : {} } }));
      process.stdout.write(o.format === 'json' ? `${JSON.stringify(res.alerts, null, 2)}\n` : formatAlerts(res.alerts));
    });

  alerts
    .command('history')
    .description('state changes, newest first')
    .option('--limit <n>', 'at most this many', '50')
    .option('--rule <id>', 'of this rule only')
    .option('--since <time>', 'e.g. 24h, 1h30m, 7d or 2026-11-01T00:00:00Z (docs/api.md, "Times and durations")')
    .addOption(formatOption())
    .addOption(urlOption())
    .addOption(keyOption())
    .action(async (o: { limit: string; rule?: string; since?: string; format: string; url: string; key?: string }) => {
      // --limit goes as typed: the server checks it and names the problem.
      const query = { limit: o.limit as unknown as number, ...(o.rule ? { rule: o.rule } : {}), ...(o.since ? { since: o.since } : {}) };
      const res = await answer(apiOf(o).GET('/api/v1/alerts/history', { params: { query } }));
      process.stdout.write(o.format === 'json' ? `${JSON.stringify(res.events, null, 2)}\n` : formatHistory(res.events));
    });

  alerts
    .command('rules')
    .description('the rules in force (default pack, rule files, API) with their last evaluation')
    .addOption(formatOption())
    .addOption(urlOption())
    .addOption(keyOption())
    .action(async (o: { format: string; url: string; key?: string }) => {
      const res = await answer(apiOf(o).GET('/api/v1/alerts/rules'));
      if (o.format === 'json') process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
      else {
        process.stdout.write(formatRules(res.rules));
        for (const e of res.loadErrors) process.stdout.write(`not loaded: ${e.text}\n`);
      }
    });

  alerts
    .command('silence')
    .description('mute matching alerts for a while, e.g. --match \'alertname="HighLatency"\' --match \'model="gpt-4o"\' --for 2h')
    .requiredOption('--match <matcher...>', 'label matchers: name="value", name!="value", name=~"regex", name!~"regex"')
    .option('--for <duration>', 'how long, e.g. 30m, 1h30m, 1d', '1h')
    .option('--until <time>', 'or until this time, e.g. 2026-11-23T18:00:00Z')
    .option('--comment <text>', 'why', '')
    .option('--by <name>', 'who', process.env.USER ?? 'cli')
    .addOption(urlOption())
    .addOption(keyOption())
    .action(async (o: { match: string[]; for: string; until?: string; comment: string; by: string; url: string; key?: string }) => {
      const body: Body<'/api/v1/alerts/silences'> = { matchers: o.match, ...(o.until ? { endsAt: o.until } : { duration: o.for }), comment: o.comment, createdBy: o.by };
      const res = await answer(apiOf(o).POST('/api/v1/alerts/silences', { body }));
      process.stdout.write(`silence ${res.silence.id} until ${iso(res.silence.endsAtMs)}\n`);
    });

  alerts
    .command('silences')
    .description('silences in force or scheduled')
    .addOption(urlOption())
    .addOption(keyOption())
    .action(async (o: { url: string; key?: string }) => {
      const res = await answer(apiOf(o).GET('/api/v1/alerts/silences'));
      if (!res.silences.length) return void process.stdout.write('no silences\n');
      process.stdout.write(
        formatTable(
          [text('id', 'ID'), text('matchers', 'MATCHERS'), text('until', 'UNTIL'), text('by', 'BY'), text('comment', 'COMMENT')],
          res.silences.map((s) => ({
            id: s.id,
            matchers: s.matchers.map((m) => `${m.name}${m.isEqual ? (m.isRegex ? '=~' : '=') : m.isRegex ? '!~' : '!='}"${m.value}"`).join(','),
            until: iso(s.endsAtMs) + (s.active ? '' : ' (scheduled)'),
            by: s.createdBy,
            comment: s.comment,
          })),
        ),
      );
    });

  alerts
    .command('unsilence <id>')
    .description('end a silence now')
    .addOption(urlOption())
    .addOption(keyOption())
    .action(async (id: string, o: { url: string; key?: string }) => {
      await answer(apiOf(o).DELETE('/api/v1/alerts/silences/{id}', { params: { path: { id } } }));
      process.stdout.write(`silence ${id} ended\n`);
    });

  alerts
    .command('test-rule <file>')
    .description('evaluate the rules of a rule file against the server\'s data now, without creating alerts')
    .addOption(formatOption())
    .addOption(urlOption())
    .addOption(keyOption())
    .action(async (file: string, o: { format: string; url: string; key?: string }) => {
      const source = await readFile(file, 'utf8');
      const { errors } = parseRuleText(source, file);
      for (const e of errors) process.stderr.write(`${formatRuleError(e)}\n`);
      // The server takes rules as written (durations as text), so send the file's own objects.
      const raw = (parseYaml(source) as { rules?: unknown[] } | null)?.rules;
      const valid = (Array.isArray(raw) ? raw : []).flatMap((input) => {
        const { rule } = validateRule(input, file);
        // Valid, so it is a rule definition as the API takes it.
        return rule ? [{ id: rule.id, input: input as Body<'/api/v1/alerts/test-rule'> }] : [];
      });
      if (!valid.length) throw new CliError(`${file}: no valid rule to test`);
      for (const { id, input } of valid) {
        const res = await answer(apiOf(o).POST('/api/v1/alerts/test-rule', { body: input }));
        process.stdout.write(o.format === 'json' ? `${JSON.stringify({ id, ...res })}\n` : formatTestOutcome(id, res));
      }
      if (errors.length) process.exitCode = 1;
    });

  alerts
    .command('check <paths...>')
    .description('validate rule files (or directories of them) without a server; exit 1 on any error')
    .action(async (paths: string[]) => {
      const { rules, errors } = await loadRuleFiles(paths);
      for (const e of errors) process.stderr.write(`${formatRuleError(e)}\n`);
      process.stdout.write(`${rules.length} rule(s) valid, ${errors.length} error(s)\n`);
      if (errors.length) process.exitCode = 1;
    });
}
