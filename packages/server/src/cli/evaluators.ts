// D2: `lookout evaluators list|add|rm` — the evaluators API of a running server.
import type { Body, Schemas } from '@lookout/client';
import { answer, apiClient, CliError, type ApiTarget } from './http.ts';
import { formatTable, type ReportColumn } from './report.ts';

type Write = (text: string) => void;
type EvaluatorInput = Body<'/api/v1/evaluators'>;
type Evaluator = Schemas['Evaluator'];

export interface AddEvaluatorOptions {
  name: string;
  kind: EvaluatorInput['kind'];
  criterion: string;
  sampleRate?: string;
  feature?: string;
  model?: string;
  application?: string;
  disabled?: boolean;
  params?: string; // JSON
  judge?: string; // JSON
}

const COLUMNS: ReportColumn[] = [
  { key: 'id', header: 'id', format: 'text' },
  { key: 'name', header: 'name', format: 'text' },
  { key: 'kind', header: 'kind', format: 'text' },
  { key: 'criterion', header: 'criterion', format: 'text' },
  { key: 'sampleRate', header: 'sample', format: 'percent' },
  { key: 'filter', header: 'filter', format: 'text' },
  { key: 'state', header: 'state', format: 'text' },
  { key: 'origin', header: 'origin', format: 'text' },
];

function filterText(e: Evaluator): string {
  return (['feature', 'model', 'application'] as const).flatMap((k) => (e.filter[k] ? [`${k}=${e.filter[k]}`] : [])).join(' ') || 'every call';
}

export async function listEvaluators(opts: ApiTarget & { format: 'table' | 'json' }, write: Write): Promise<void> {
  const res = await answer(apiClient(opts).GET('/api/v1/evaluators'));
  if (opts.format === 'json') return write(`${JSON.stringify(res, null, 2)}\n`);
  if (res.evaluators.length === 0) return write('no evaluators in this project; add one with `lookout evaluators add`\n');
  write(
    formatTable(
      COLUMNS,
      res.evaluators.map((e) => ({ ...e, sampleRate: e.sampleRate * 100, filter: filterText(e), state: e.enabled ? 'enabled' : 'disabled' })),
    ),
  );
}

function json(option: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${option}: not valid JSON (${(err as Error).message}); e.g. --params '{"pattern":"ORD-[0-9]+","mustMatch":false}'`);
  }
}

// The body POST takes; the server checks the rest and names the field.
export function evaluatorBody(o: AddEvaluatorOptions): EvaluatorInput {
  const body: EvaluatorInput = { name: o.name, kind: o.kind, criterion: o.criterion };
  if (o.sampleRate !== undefined) {
    const rate = Number(o.sampleRate);
    if (o.sampleRate.trim() === '' || !Number.isFinite(rate)) throw new CliError(`--sample-rate '${o.sampleRate}': give a number from 0 to 1, e.g. 0.05`);
    body.sampleRate = rate;
  }
  const filter = Object.fromEntries((['feature', 'model', 'application'] as const).flatMap((k) => (o[k] === undefined ? [] : [[k, o[k]]])));
  if (Object.keys(filter).length) body.filter = filter;
  if (o.disabled) body.enabled = false;
  const params = json('--params', o.params);
  if (params !== undefined) body.params = params as EvaluatorInput['params'];
  const judge = json('--judge', o.judge);
  if (judge !== undefined) body.judge = judge as EvaluatorInput['judge'];
  return body;
}

export async function addEvaluator(target: ApiTarget, o: AddEvaluatorOptions, write: Write): Promise<Evaluator> {
  const created = await answer(apiClient(target).POST('/api/v1/evaluators', { body: evaluatorBody(o) }));
  write(`${JSON.stringify(created)}\n`);
  return created;
}

export async function removeEvaluator(target: ApiTarget, id: string, write: Write): Promise<void> {
  await answer(apiClient(target).DELETE('/api/v1/evaluators/{id}', { params: { path: { id } } }));
  write(`deleted ${id}\n`);
}
