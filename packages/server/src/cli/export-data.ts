import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command, Option } from 'commander';
import { ERRORS, type ErrorCode } from '../errors.ts';
import { EXPORT_FORMATS, EXPORT_KINDS, type ExportFormat } from '../store/project-export.ts';
import { CliError, isConnectionRefused, type ApiTarget } from './http.ts';

// `lookout export spans|scores|logs`: the export API's file streamed to disk as it arrives (the
// typed client would buffer it), written to <out>.part and renamed when complete so that a
// cut-off download never looks like a finished one.

const PROGRESS_EVERY_MS = 1_000;

interface DataExportOptions extends ApiTarget {
  format: string;
  out: string;
  from?: string;
  to?: string;
  filter: string[];
  content: boolean;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function exportUrl(kind: string, opts: DataExportOptions): URL {
  if (!(EXPORT_FORMATS as readonly string[]).includes(opts.format)) throw new CliError(`--format '${opts.format}': use one of ${EXPORT_FORMATS.join(', ')}`);
  const url = new URL(`${opts.url.replace(/\/+$/, '')}/api/v1/export/${kind}`);
  url.searchParams.set('format', opts.format as ExportFormat);
  if (opts.from !== undefined) url.searchParams.set('from', opts.from);
  if (opts.to !== undefined) url.searchParams.set('to', opts.to);
  if (!opts.content) url.searchParams.set('content', 'false');
  for (const f of opts.filter) {
    const at = f.indexOf('=');
    if (at <= 0) throw new CliError(`--filter '${f}': use <name>=<value>, e.g. userId=u-42 or model=gpt-4o`);
    url.searchParams.append(f.slice(0, at), f.slice(at + 1));
  }
  return url;
}

async function exportData(kind: string, opts: DataExportOptions, log: (line: string) => void): Promise<void> {
  const url = exportUrl(kind, opts);
  let response: Response;
  try {
    response = await fetch(url, { headers: opts.key ? { authorization: `Bearer ${opts.key}` } : {} });
  } catch (err) {
    if (isConnectionRefused(err)) throw new CliError(`no Lookout server answers at ${opts.url}; start one with \`lookout serve\` or pass --url`, { code: 'store_unavailable', cause: err });
    throw err;
  }
  if (!response.ok || !response.body) {
    const text = await response.text();
    let error: { code?: string; message?: string } | undefined;
    try {
      error = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    } catch {
      // reported as text
    }
    const code = error?.code !== undefined && Object.hasOwn(ERRORS, error.code) ? (error.code as ErrorCode) : 'internal';
    throw new CliError(`GET ${url.pathname}${url.search} failed with ${response.status}: ${error?.message ?? text}`, { code });
  }
  log(`exporting ${response.headers.get('x-lookout-rows') ?? '?'} ${kind} as ${opts.format} to ${opts.out}`);
  let bytes = 0;
  let lastReportMs = Date.now();
  const progress = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (Date.now() - lastReportMs >= PROGRESS_EVERY_MS) {
        lastReportMs = Date.now();
        log(`  ${mib(bytes)} written`);
      }
      done(null, chunk);
    },
  });
  const partial = `${opts.out}.part`;
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), progress, createWriteStream(partial));
    await rename(partial, opts.out);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  log(`wrote ${opts.out} (${mib(bytes)})`);
}

export function registerDataExportCommands(exportCmd: Command, options: { urlOption: () => Option; keyOption: () => Option }): void {
  const log = (line: string) => void process.stderr.write(`${line}\n`);
  for (const kind of EXPORT_KINDS) {
    exportCmd
      .command(kind)
      .description(`the project's ${kind} as a CSV, JSONL or Parquet file (columns: docs/data-lifecycle.md#export)`)
      .requiredOption('--out <file>', 'file to write')
      .option('--format <format>', EXPORT_FORMATS.join(', '), 'csv')
      .option('--from <time>', 'start of the range: an instant or a duration back from now (default: 7 days before --to)')
      .option('--to <time>', 'end of the range (default: now)')
      .option('--filter <name=value>', 'a filter of the export API, e.g. userId=u-42 (repeatable)', (v: string, all: string[]) => [...all, v], [])
      .option('--no-content', 'leave prompt and response text and log bodies out')
      .addOption(options.urlOption())
      .addOption(options.keyOption())
      .action(async (opts: DataExportOptions) => {
        await exportData(kind, opts, log);
      });
  }
}
