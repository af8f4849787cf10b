import { isDeepStrictEqual } from 'node:util';
import type { MetricPointRecord } from '../domain/metric.ts';
import type { LogRecord, ScoreRecord } from '../domain/score.ts';
import type { SpanRecord } from '../domain/span.ts';
import { MAX_AUDIT_PAGE, type AuditEntry, type Store } from './store.ts';

// Copies everything one store holds into another, whatever their backends (moving a DuckDB
// install to ClickHouse: `lookout migrate`). Records go through the target's ordinary writes,
// which store each record once: running the copy again, or again after it was interrupted,
// copies only what is missing. Costs are copied as stored, never worked out again. The prompt
// registry goes across with its version numbers, times and authors; labels point where they did.
// People go across with their ids, roles and password hashes (their sessions do not: they sign in
// again), and the audit log entry by entry, as written.

export const COPY_KINDS = ['projects', 'priceOverrides', 'apiKeys', 'promptVersions', 'promptLabels', 'users', 'auditEntries', 'spans', 'scores', 'logs', 'metricPoints'] as const;
export type CopyKind = (typeof COPY_KINDS)[number];

export interface CopyCount {
  copied: number;
  skipped: number; // in the target already
}

export type CopyReport = Record<CopyKind, CopyCount>;

export interface CopyProgress extends CopyCount {
  kind: CopyKind;
  done: boolean; // the last call for this kind
}

export interface CopyOptions {
  // Called after every chunk, and once more when a kind is done.
  onProgress?: (p: CopyProgress) => void;
  // Records read and written at a time: bounds the memory a copy holds.
  chunkRows?: number;
}

export const COPY_CHUNK_ROWS = 2_000;
// Audit entries stamped up to this far ahead of the copy's clock (a node's clock ahead) go too.
const AUDIT_FUTURE_MS = 366 * 24 * 3_600_000;

export async function copyStore(from: Store, to: Store, options: CopyOptions = {}): Promise<CopyReport> {
  const chunkRows = options.chunkRows ?? COPY_CHUNK_ROWS;
  const report = Object.fromEntries(COPY_KINDS.map((k) => [k, { copied: 0, skipped: 0 }])) as CopyReport;
  const progress = (kind: CopyKind, done = false) => options.onProgress?.({ kind, ...report[kind], done });
  const count = (kind: CopyKind, copied: number, skipped: number) => {
    report[kind].copied += copied;
    report[kind].skipped += skipped;
  };

  // Projects first: keys and records belong to them. The source's capture mode wins, so the
  // target keeps no more of prompts than the install it replaces.
  const projects = new Map((await to.listProjects()).map((p) => [p.id, p]));
  for (const p of await from.listProjects()) {
    const there = projects.get(p.id) ?? (await to.createProject(p.id, p.name));
    const changed = !projects.has(p.id) || there.contentCapture !== p.contentCapture;
    if (there.contentCapture !== p.contentCapture) await to.setContentCapture(p.id, p.contentCapture);
    count('projects', changed ? 1 : 0, changed ? 0 : 1);
  }
  progress('projects', true);

  const overrides = new Map((await to.listPriceOverrides()).map((o) => [o.id, o]));
  for (const o of await from.listPriceOverrides()) {
    if (isDeepStrictEqual(overrides.get(o.id), o)) count('priceOverrides', 0, 1);
    else {
      await to.upsertPriceOverride(o);
      count('priceOverrides', 1, 0);
    }
  }
  progress('priceOverrides', true);

  const keys = await to.importApiKeys(await from.exportApiKeys());
  count('apiKeys', keys.imported, keys.skipped);
  progress('apiKeys', true);

  // The prompt registry, project by project: versions oldest first, then the labels.
  for (const p of await from.listProjects()) {
    for (const prompt of await from.prompts.listPrompts(p.id)) {
      const { labels, versions } = await from.prompts.listPromptVersions(p.id, prompt.name);
      for (const info of [...versions].reverse()) {
        const version = await from.prompts.getPrompt(p.id, prompt.name, { version: info.version });
        const wrote = await to.prompts.importPromptVersion(p.id, version);
        count('promptVersions', wrote ? 1 : 0, wrote ? 0 : 1);
      }
      const there = (await to.prompts.listPromptVersions(p.id, prompt.name)).labels;
      for (const [label, version] of Object.entries(labels)) {
        if (there[label] === version) count('promptLabels', 0, 1);
        else {
          await to.prompts.setPromptLabel(p.id, prompt.name, label, version, null, { versionsPerPrompt: Infinity, promptsPerProject: Infinity, labelsPerPrompt: Infinity });
          count('promptLabels', 1, 0);
        }
      }
      progress('promptVersions');
    }
  }
  progress('promptVersions', true);
  progress('promptLabels', true);

  for (const u of await from.people.listUsers()) {
    const user = await from.people.getUser(u.id);
    const wrote = user !== null && (await to.people.importUser(user));
    count('users', wrote ? 1 : 0, wrote ? 0 : 1);
  }
  progress('users', true);

  // The audit log, newest first a page at a time; entries the target has (by id) are skipped.
  const auditPages = (store: Store) => (before: AuditEntry | null) =>
    store.audit.list({ projectId: null, fromMs: 0, toMs: Date.now() + AUDIT_FUTURE_MS, limit: MAX_AUDIT_PAGE, ...(before ? { before: { at: before.at, id: before.id } } : {}) });
  const auditThere = new Set<string>();
  await chunks<AuditEntry>(auditPages(to), async (page) => {
    for (const e of page) auditThere.add(e.id);
  });
  await chunks<AuditEntry>(auditPages(from), async (page) => {
    const fresh = page.filter((e) => !auditThere.has(e.id));
    await to.audit.append(fresh);
    count('auditEntries', fresh.length, page.length - fresh.length);
    progress('auditEntries');
  });
  progress('auditEntries', true);

  const accepted = (outcomes: string[]) => outcomes.filter((o) => o === 'accepted').length;
  await chunks<SpanRecord>(
    (after) => from.exportSpans(after, chunkRows),
    async (spans) => {
      const n = accepted((await to.write({ spans, scores: [], logs: [] })).spans);
      count('spans', n, spans.length - n);
      progress('spans');
    },
  );
  progress('spans', true);
  await chunks<ScoreRecord>(
    (after) => from.exportScores(after, chunkRows),
    async (scores) => {
      const n = accepted((await to.write({ spans: [], scores, logs: [] })).scores);
      count('scores', n, scores.length - n);
      progress('scores');
    },
  );
  progress('scores', true);
  await chunks<LogRecord>(
    (after) => from.exportLogs(after, chunkRows),
    async (logs) => {
      const n = accepted((await to.write({ spans: [], scores: [], logs })).logs);
      count('logs', n, logs.length - n);
      progress('logs');
    },
  );
  progress('logs', true);
  await chunks<MetricPointRecord>(
    (after) => from.exportMetricPoints(after, chunkRows),
    async (points) => {
      const { accepted: n, duplicates } = await to.writeMetricPoints(points);
      count('metricPoints', n, duplicates);
      progress('metricPoints');
    },
  );
  progress('metricPoints', true);
  return report;
}

// Reads page after page, the last record of each being the cursor of the next, until one is empty.
async function chunks<T>(read: (after: T | null) => Promise<T[]>, write: (page: T[]) => Promise<void>): Promise<void> {
  let after: T | null = null;
  for (;;) {
    const page = await read(after);
    if (!page.length) return;
    await write(page);
    after = page[page.length - 1];
  }
}
