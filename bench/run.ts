import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './lib.ts';

// `npm run bench`: runs every benchmark in sequence (never in parallel: they would measure each
// other) and writes their JSON lines to bench/results/latest.jsonl. A benchmark that fails is
// recorded as {"bench": name, "error": ...} and the others still run.
//
// `node bench/run.ts ingest metrics` runs only the named ones (the others' last lines are kept).

const BENCHES = ['ingest', 'ingest-redaction', 'heuristics', 'redact', 'otlp-ingest', 'query', 'memory', 'storage', 'duckdb-load', 'export', 'retention', 'clickhouse-erasure', 'metrics', 'otlp-decode', 'validate', 'alerts', 'gateway', 'judge-queue', 'web', 'auth'] as const;
const BENCH_TIMEOUT_MS = 60 * 60 * 1000;

function runOne(name: string): Promise<{ line: string | null; code: number | null; error?: string }> {
  return new Promise((resolve) => {
    // --expose-gc: benchmarks that report heap sizes collect garbage first.
    const child = spawn(process.execPath, ['--expose-gc', join(REPO_ROOT, 'bench', `${name}.ts`)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), BENCH_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const lines = out.split('\n').filter((l) => l.trim().startsWith('{'));
      const line = lines.length ? lines[lines.length - 1] : null;
      resolve({ line, code, ...(code !== 0 ? { error: `exited with ${code}` } : {}) });
    });
  });
}

const requested = process.argv.slice(2);
for (const r of requested) {
  if (!(BENCHES as readonly string[]).includes(r)) {
    process.stderr.write(`unknown benchmark '${r}'; choose from ${BENCHES.join(', ')}\n`);
    process.exit(2);
  }
}
const selected = requested.length ? requested : [...BENCHES];
const results: string[] = [];
for (const name of selected) {
  process.stderr.write(`\n=== bench/${name}.ts ===\n`);
  const started = Date.now();
  const r = await runOne(name);
  if (r.line && r.code === 0) {
    results.push(r.line);
    process.stdout.write(`${r.line}\n`);
  } else {
    const failed = JSON.stringify({ bench: name, date: new Date().toISOString(), error: r.error ?? 'no result line' });
    results.push(failed);
    process.stdout.write(`${failed}\n`);
  }
  process.stderr.write(`=== ${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s ===\n`);
}
const dir = join(REPO_ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
// Benchmarks not run this time keep their last result line.
const latestPath = join(dir, 'latest.jsonl');
const kept = existsSync(latestPath)
  ? readFileSync(latestPath, 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !selected.includes((JSON.parse(l) as { bench: string }).bench))
  : [];
writeFileSync(latestPath, [...kept, ...results].join('\n') + '\n');
process.stderr.write(`\nwrote ${results.length} result line(s) to bench/results/latest.jsonl\n`);
if (results.some((l) => (JSON.parse(l) as { error?: string }).error)) process.exitCode = 1;
