// F5: `lookout actions list|revert <id>` — the automated responses of a running server.
import { Option, type Command } from 'commander';
import type { Schemas } from '@lookout/client';
import { answer, apiClient, type ApiTarget } from './http.ts';
import { formatTable, type ReportColumn } from './report.ts';

type Write = (text: string) => void;
type Activation = Schemas['Activation'];

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace('.000Z', 'Z'));
const text = (key: string, header: string): ReportColumn => ({ key, header, format: 'text' });

function describeParams(a: Activation): string {
  const p = a.params as Record<string, unknown> & { scope?: Record<string, string> };
  const scope = p.scope && Object.keys(p.scope).length ? ` for ${Object.entries(p.scope).map(([k, v]) => `${k}=${v}`).join(' ')}` : '';
  switch (a.kind) {
    case 'switchModel':
      return `${p.from} -> ${p.to}${scope}`;
    case 'responseCache':
      return `cache ${p.ttl}${p.perUser ? ' per user' : ''}${scope}`;
    case 'rateLimit':
      return `${p.requestsPerMinute}/min${scope}`;
    case 'block':
      return `block${scope}`;
    case 'fallback':
      return `${p.provider} -> ${p.baseUrl} on ${(p.onStatus as number[]).join(',')}${scope}`;
  }
}

export function formatActivations(list: Activation[]): string {
  if (!list.length) return 'no automated responses\n';
  return formatTable(
    [text('id', 'ID'), text('state', 'STATE'), text('action', 'ACTION'), text('kind', 'KIND'), text('what', 'WHAT'), text('alert', 'TRIGGERED BY'), text('since', 'SINCE'), text('reverted', 'REVERTED')],
    list.map((a) => ({
      id: a.id,
      state: a.state + (a.dryRun ? ' (dry run)' : ''),
      action: a.actionId,
      kind: a.kind,
      what: describeParams(a),
      alert: a.triggeredBy.alertname,
      since: iso(a.activatedAtMs),
      reverted: a.revertedAtMs === null ? '' : `${iso(a.revertedAtMs)} (${a.revertedBy})`,
    })),
  );
}

export async function listActions(target: ApiTarget, options: { all?: boolean; format: 'table' | 'json' }, write: Write): Promise<void> {
  const res = await answer(apiClient(target).GET('/api/v1/actions'));
  const shown = options.all ? res.history : res.active;
  write(options.format === 'json' ? `${JSON.stringify(shown, null, 2)}\n` : formatActivations(shown));
}

export async function revertAction(target: ApiTarget, id: string, write: Write): Promise<Activation> {
  const res = await answer(apiClient(target).POST('/api/v1/actions/{id}/revert', { params: { path: { id } } }));
  const a = res.activation;
  write(`reverted ${a.id}: ${a.actionId} (${a.kind}, ${describeParams(a)}); it stays off until ${a.triggeredBy.alertname} resolves and fires again\n`);
  return a;
}

export function registerActionsCommand(program: Command, options: { urlOption: () => Option; keyOption: () => Option }): void {
  const { urlOption, keyOption } = options;
  const actions = program.command('actions').description('automated responses to firing alerts: what is active, and reverting one');
  const write: Write = (s) => void process.stdout.write(s);

  actions
    .command('list')
    .description('active automated responses (--all: recent history too)')
    .option('--all', 'also those reverted lately, newest first')
    .addOption(new Option('--format <format>', 'table or json').choices(['table', 'json']).default('table'))
    .addOption(urlOption())
    .addOption(keyOption())
    .action(async (o: { all?: boolean; format: 'table' | 'json'; url: string; key?: string }) => {
      await listActions({ url: o.url, key: o.key }, o, write);
    });

  actions
    .command('revert')
    .description('revert an active automated response (it stays reverted until its alert resolves and fires again)')
    .argument('<id>', 'activation id, from `lookout actions list`')
    .addOption(urlOption())
    .addOption(keyOption())
    .action(async (id: string, o: { url: string; key?: string }) => {
      await revertAction({ url: o.url, key: o.key }, id, write);
    });
}
