// `lookout chargeback markup|costs` — the chargeback markups and other costs of a running server
// (docs/cost.md#chargeback-markup-and-other-costs). Settings come as JSON files shaped as the API
// takes them; the server checks them and names the field at fault.
import { readFile } from 'node:fs/promises';
import type { Body, Schemas } from '@lookout/client';
import { answer, apiClient, CliError, type ApiTarget } from './http.ts';
import { formatTable, type ReportColumn } from './report.ts';

type Write = (text: string) => void;

const COST_COLUMNS: ReportColumn[] = [
  { key: 'id', header: 'id', format: 'text' },
  { key: 'name', header: 'name', format: 'text' },
  { key: 'category', header: 'category', format: 'text' },
  { key: 'billedTo', header: 'billed_to', format: 'text' },
  { key: 'price', header: 'price', format: 'text' },
  { key: 'months', header: 'months', format: 'text' },
];

async function jsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

function priceText(p: Schemas['ChargebackOtherCost']['pricing']): string {
  if (p.type === 'fixed') return `$${p.monthlyUsd}/month`;
  const unit = { per_1k_requests: '1k requests', per_gb_month: 'GB-month', per_hour: 'hour' }[p.unit];
  return `$${p.unitPriceUsd}/${unit} × ${p.quantity}`;
}

export async function showMarkup(target: ApiTarget, write: Write): Promise<void> {
  write(`${JSON.stringify(await answer(apiClient(target).GET('/api/v1/chargeback/markup')), null, 2)}\n`);
}

export async function setMarkup(target: ApiTarget, file: string, write: Write): Promise<void> {
  const body = (await jsonFile(file)) as Body<'/api/v1/chargeback/markup', 'put'>;
  const saved = await answer(apiClient(target).PUT('/api/v1/chargeback/markup', { body }));
  write(`markup set: ${saved.tiers.length} tier(s), ${saved.assignments.length} assignment(s), default ${saved.defaultTier ?? 'none (at cost)'}\n`);
}

export async function listCosts(target: ApiTarget & { format: 'table' | 'json' }, write: Write): Promise<void> {
  const res = await answer(apiClient(target).GET('/api/v1/chargeback/costs'));
  if (target.format === 'json') return write(`${JSON.stringify(res, null, 2)}\n`);
  if (res.costs.length === 0) return write('no other costs in this project; add one with `lookout chargeback costs add <file.json>`\n');
  const rows = res.costs.map((c) => ({
    id: c.id,
    name: c.name,
    category: c.category,
    billedTo: `${c.assignTo.dimension}=${c.assignTo.value}`,
    price: priceText(c.pricing),
    months: `${c.fromMonth}..${c.toMonth ?? ''}`,
  }));
  write(formatTable(COST_COLUMNS, rows));
}

export async function addCost(target: ApiTarget, file: string, write: Write): Promise<Schemas['ChargebackOtherCost']> {
  const body = (await jsonFile(file)) as Body<'/api/v1/chargeback/costs'>;
  const created = await answer(apiClient(target).POST('/api/v1/chargeback/costs', { body }));
  write(`${JSON.stringify(created)}\n`);
  return created;
}

export async function removeCost(target: ApiTarget, id: string, write: Write): Promise<void> {
  await answer(apiClient(target).DELETE('/api/v1/chargeback/costs/{id}', { params: { path: { id } } }));
  write(`deleted ${id}\n`);
}
