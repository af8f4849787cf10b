// `lookout prompts list|versions|get|push|label` — the prompt registry of a running server
// (docs/prompts.md#registry), through the same API applications use.
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ChatMessage, PromptBody, PromptLabel, PromptSummary, PromptVersion, PromptVersionInfo } from '../domain/prompts.ts';
import { apiClient, CliError, type ApiTarget } from './http.ts';
import { formatTable, type ReportColumn } from './report-format.ts';

type Write = (text: string) => void;
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

// A registry route by its path (the name already encoded), answered with the registry's records;
// apiClient turns an answer that is not 2xx into a CliError with the server's message.
async function call<T>(target: ApiTarget, method: Method, path: string, body?: unknown): Promise<T> {
  const client = apiClient(target) as unknown as Record<Method, (path: string, init: { body?: unknown }) => Promise<{ data?: T }>>;
  return (await client[method](path, body === undefined ? {} : { body })).data as T;
}

const promptPath = (name: string) => `/api/v1/prompts/${encodeURIComponent(name)}`;

const labelText = (labels: Record<string, number>) =>
  Object.entries(labels)
    .map(([l, v]) => `${l}=${v}`)
    .join(' ');

const LIST_COLUMNS: ReportColumn[] = [
  { key: 'name', header: 'name', format: 'text' },
  { key: 'type', header: 'type', format: 'text' },
  { key: 'latest', header: 'latest', format: 'text' },
  { key: 'versions', header: 'versions', format: 'text' },
  { key: 'labels', header: 'labels', format: 'text' },
  { key: 'updatedAt', header: 'updated', format: 'text' },
];

export async function listPrompts(target: ApiTarget & { format: 'table' | 'json' }, write: Write): Promise<void> {
  const res = await call<{ prompts: PromptSummary[] }>(target, 'GET', '/api/v1/prompts');
  if (target.format === 'json') return write(`${JSON.stringify(res, null, 2)}\n`);
  if (res.prompts.length === 0) return write('no prompts in this project; add one with `lookout prompts push <name> <file>`\n');
  const rows = res.prompts.map((p) => ({ name: p.name, type: p.type, latest: String(p.latestVersion), versions: String(p.versions), labels: labelText(p.labels), updatedAt: p.updatedAt }));
  write(formatTable(LIST_COLUMNS, rows));
}

const VERSION_COLUMNS: ReportColumn[] = [
  { key: 'version', header: 'version', format: 'text' },
  { key: 'labels', header: 'labels', format: 'text' },
  { key: 'type', header: 'type', format: 'text' },
  { key: 'model', header: 'model', format: 'text' },
  { key: 'createdAt', header: 'created', format: 'text' },
  { key: 'createdBy', header: 'by', format: 'text' },
  { key: 'message', header: 'message', format: 'text' },
];

export async function listVersions(target: ApiTarget & { format: 'table' | 'json' }, name: string, write: Write): Promise<void> {
  const res = await call<{ name: string; labels: Record<string, number>; versions: PromptVersionInfo[] }>(target, 'GET', `${promptPath(name)}/versions`);
  if (target.format === 'json') return write(`${JSON.stringify(res, null, 2)}\n`);
  const rows = res.versions.map((v) => ({
    version: String(v.version),
    labels: v.labels.join(' '),
    type: v.type,
    model: v.model ?? '',
    createdAt: v.createdAt,
    createdBy: v.createdBy ?? 'operator',
    message: (v.message ?? '').split('\n')[0].slice(0, 80),
  }));
  write(formatTable(VERSION_COLUMNS, rows));
}

export interface GetOptions {
  label?: string;
  version?: number;
  // text: the prompt alone (a text prompt as it is, chat messages as JSON); json: the whole version.
  format: 'text' | 'json';
}

export async function getPrompt(target: ApiTarget, name: string, opts: GetOptions, write: Write): Promise<PromptVersion> {
  if (opts.label !== undefined && opts.version !== undefined) throw new CliError('give --label or --version, not both');
  const query = opts.version !== undefined ? `?version=${opts.version}` : opts.label !== undefined ? `?label=${encodeURIComponent(opts.label)}` : '';
  const v = await call<PromptVersion>(target, 'GET', `${promptPath(name)}${query}`);
  if (opts.format === 'json') write(`${JSON.stringify(v, null, 2)}\n`);
  else write(typeof v.prompt === 'string' ? (v.prompt.endsWith('\n') ? v.prompt : `${v.prompt}\n`) : `${JSON.stringify(v.prompt, null, 2)}\n`);
  return v;
}

export interface PushOptions {
  type?: 'text' | 'chat';
  model?: string;
  parameters?: string; // a JSON file
  message?: string;
  label?: string[];
}

async function readText(file: string, stdin: () => Promise<string>): Promise<string> {
  if (file === '-') return stdin();
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// The prompt from `file`: a .json file holds chat messages (a list) or the fields of a version
// ({prompt, type, model, parameters, message}); any other file is a text prompt, as it is.
// Options given on the command line win over the file's fields.
export async function pushPrompt(target: ApiTarget, name: string, file: string, opts: PushOptions, write: Write, stdin = readStdin): Promise<PromptVersion> {
  const text = await readText(file, stdin);
  let fields: Record<string, unknown> = {};
  let prompt: PromptBody | unknown = text;
  if (file.endsWith('.json') || opts.type === 'chat') {
    const parsed = parseJson(file, text);
    if (Array.isArray(parsed)) prompt = parsed as ChatMessage[];
    else if (parsed !== null && typeof parsed === 'object') {
      fields = parsed as Record<string, unknown>;
      prompt = fields.prompt;
      if (prompt === undefined) throw new CliError(`${file}: a JSON file holds chat messages (a list) or an object with a "prompt" field`);
    } else throw new CliError(`${file}: a JSON file holds chat messages (a list) or an object with a "prompt" field`);
  }
  const parameters = opts.parameters === undefined ? fields.parameters : parseJson(opts.parameters, await readText(opts.parameters, stdin));
  const body = {
    ...fields,
    name,
    prompt,
    ...(opts.type !== undefined ? { type: opts.type } : {}),
    ...(opts.model !== undefined ? { model: opts.model } : {}),
    ...(parameters !== undefined ? { parameters } : {}),
    ...(opts.message !== undefined ? { message: opts.message } : {}),
    ...(opts.label?.length ? { labels: opts.label } : {}),
  };
  const created = await call<PromptVersion>(target, 'POST', '/api/v1/prompts', body);
  write(`${created.name}@${created.version}${created.labels.length ? ` (${created.labels.join(', ')})` : ''}\n`);
  return created;
}

export async function labelPrompt(target: ApiTarget, name: string, label: string, version: string | undefined, opts: { delete?: boolean }, write: Write): Promise<void> {
  const path = `${promptPath(name)}/labels/${encodeURIComponent(label)}`;
  if (opts.delete) {
    if (version !== undefined) throw new CliError('--delete removes the label: give no version');
    await call<null>(target, 'DELETE', path);
    write(`${name}: label ${label} removed\n`);
    return;
  }
  if (version === undefined) throw new CliError('give the version the label points at (or --delete to remove it)');
  if (!/^[1-9]\d{0,9}$/.test(version)) throw new CliError(`version: '${version}' is not a version number`);
  const set = await call<PromptLabel>(target, 'PUT', path, { version: Number(version) });
  write(`${set.name}: ${set.label} -> version ${set.version}\n`);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerPromptsCommand(program: Command, options: { urlOption: () => Option; keyOption: () => Option }): void {
  const write: Write = (text) => void process.stdout.write(text);
  const format = (choices: string[], fallback: string) => new Option('--format <format>', 'output format').choices(choices).default(fallback);
  const prompts = program.command('prompts').description('the prompt registry: list, versions, get, push, label; see docs/prompts.md#registry');
  prompts
    .command('list')
    .description("the project's prompts with their newest version and labels")
    .addOption(format(['table', 'json'], 'table'))
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .action(async (opts: ApiTarget & { format: 'table' | 'json' }) => {
      await listPrompts(opts, write);
    });
  prompts
    .command('versions')
    .description("a prompt's versions, newest first, with labels, authors and commit messages")
    .argument('<name>', 'prompt name')
    .addOption(format(['table', 'json'], 'table'))
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .action(async (name: string, opts: ApiTarget & { format: 'table' | 'json' }) => {
      await listVersions(opts, name, write);
    });
  prompts
    .command('get')
    .description('one version of a prompt: by label (default production), latest, or number')
    .argument('<name>', 'prompt name')
    .option('--label <label>', "a label, or 'latest'")
    .addOption(new Option('--version <n>', 'a version number').argParser((v) => {
      if (!/^[1-9]\d{0,9}$/.test(v)) throw new InvalidArgumentError('a version number');
      return Number(v);
    }))
    .addOption(format(['text', 'json'], 'text'))
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .action(async (name: string, opts: ApiTarget & GetOptions) => {
      await getPrompt(opts, name, opts, write);
    });
  prompts
    .command('push')
    .description('write the next version of a prompt (an admin key): a text file as it is, or a .json file of chat messages or of {prompt, type, model, parameters, message}')
    .argument('<name>', 'prompt name')
    .argument('<file>', "the prompt ('-': from stdin)")
    .addOption(new Option('--type <type>', 'text or chat (default: what the file holds)').choices(['text', 'chat']))
    .option('--model <model>', 'the model the prompt is written for')
    .option('--parameters <file>', 'model parameters, a JSON object file')
    .option('-m, --message <message>', 'what changed in this version')
    .option('--label <label>', 'point this label at the new version (repeatable)', collect)
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .action(async (name: string, file: string, opts: ApiTarget & PushOptions) => {
      await pushPrompt(opts, name, file, opts, write);
    });
  prompts
    .command('label')
    .description('point a label at a version, moving it (an admin key); --delete removes it')
    .argument('<name>', 'prompt name')
    .argument('<label>', 'production, staging, or a name of your own')
    .argument('[version]', 'the version it points at')
    .option('--delete', 'remove the label')
    .addOption(options.urlOption())
    .addOption(options.keyOption())
    .action(async (name: string, label: string, version: string | undefined, opts: ApiTarget & { delete?: boolean }) => {
      await labelPrompt(opts, name, label, version, opts, write);
    });
}
