import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { PRIVATE_FILE_MODE } from '../state/private-files.ts';
import type { SpanRecord } from '../domain/span.ts';
import type { LogRecord } from '../domain/score.ts';
import type { ContentCapture, ContentPurge, ContentPurgeResult, DocumentStore, ProjectId, Store } from '../store/store.ts';
import { contentHash } from './api/map.ts';
import { CONTENT, CONVENTIONS_KEY, NON_CONTENT } from './otlp/conventions/index.ts';
import { STORED_TEXT_FREE_PATTERN } from './otlp/conventions/attributes.ts';
import { ERROR_TYPE_NAME_PATTERN, errorTypeName } from './otlp/conventions/errors.ts';
import type { ChainBatch, Processor } from '../enrich/chain.ts';

// E5: each project's content capture setting, kept in memory (read on every ingest) and applied
// in the pipeline, so every ingest path obeys it before anything reaches the journal.
//   full      prompts and responses are stored, with their hashes
//   metadata  only the hashes (duplicate prompts can still be found)
//   off       neither
// Below `full`, every attribute a convention declares as content (conventions/index.ts CONTENT)
// is dropped from span metadata and log attributes too, GenAI event logs lose their bodies, and
// an error message is kept only if it is a bare type name (errorTypeName). OTLP attributes that no
// convention knows are withheld by the mapping itself when they hold text (NON_CONTENT).
// Privacy fails closed: what cannot be told to be free of prompt text is not stored.
//
// The hashes are keyed per project: HMAC-SHA256 under a key derived from a server secret kept in
// the data directory. The same prompt hashes alike within a project (duplicate prompts still
// show) but differently in another project, and a hash cannot be looked up in a dictionary of
// common prompts by anyone who does not hold the secret.

export const HASH_KEY_FILE = 'content-hash.key';
const HASH_KEY_BYTES = 32;
const HASH_CHARS = 32;
const QUERY_HASH_KEY = 'retrieval.query_hash';
// Rows a purge changes per transaction: ingest gets the writer between chunks.
const PURGE_CHUNK_ROWS = 5_000;

// Removes from a project's stored spans and logs what `mode` would not have kept: content, the
// attributes declared as content, GenAI event bodies, error messages that are more than a type
// name, and the hashes: all of them for `off`; for `metadata` those stored before the hash key
// existed, which are plain SHA-256 (earlier versions) and cannot be told apart from keyed ones.
export function purgeStoredContent(store: Store, project: ProjectId, mode: ContentCapture, policy: ContentPolicy): Promise<ContentPurgeResult> {
  if (mode === 'full') return Promise.resolve({ spans: 0, logs: 0, compactsOnStop: false });
  return store.purgeContent(project, contentPurgeSpec(mode, policy));
}

export function contentPurgeSpec(mode: 'metadata' | 'off', policy: ContentPolicy, chunkRows = PURGE_CHUNK_ROWS): ContentPurge {
  return {
    hashes: mode === 'off' ? 'all' : { ingestedBefore: policy.keySince },
    names: [...CONTENT.names],
    prefixes: CONTENT.prefixes,
    patterns: CONTENT.patterns,
    errorMessageKept: ERROR_TYPE_NAME_PATTERN,
    otlpMetadata: { marker: CONVENTIONS_KEY, names: [...NON_CONTENT.names], prefixes: NON_CONTENT.prefixes, valuePattern: STORED_TEXT_FREE_PATTERN },
    chunkRows,
  };
}

// The last processor of the ingest chain (enrich/chain.ts): what the capture mode does not keep
// goes after every other processor has seen it (detection counts what was sent, whatever is kept).
export class ContentPolicy implements Processor {
  readonly name = 'capture';
  private readonly modes = new Map<string, ContentCapture>();
  // KeyObjects: HMAC with a raw Buffer key prepares the key again on every call (about 15 µs, on
  // every span), with a KeyObject about 2 µs.
  private readonly projectKeys = new Map<string, KeyObject>();
  private readonly serverKey: Buffer;
  // Since when stored hashes are keyed: the key file's time (written once, when it is created).
  // Rows ingested before it carry the plain hashes of earlier versions.
  readonly keySince: Date;

  // Without a key (tests), hashes are keyed by a secret that lives as long as the policy.
  constructor(serverKey: Buffer = randomBytes(HASH_KEY_BYTES), keySince: Date = new Date()) {
    this.serverKey = serverKey;
    this.keySince = keySince;
  }

  // `keyFile`: where the server secret lives; created (0600) on first start.
  // On a store several nodes share, the secret is a shared document instead, so that every node
  // hashes a prompt alike.
  static async load(store: Store, keyFile?: string): Promise<ContentPolicy> {
    let policy: ContentPolicy;
    if (keyFile === undefined) policy = new ContentPolicy();
    else if (store.documents) {
      const shared = await loadOrCreateSharedKey(store.documents);
      policy = new ContentPolicy(shared.key, shared.since);
    } else policy = new ContentPolicy(await loadOrCreateKey(keyFile), (await stat(keyFile)).mtime);
    await policy.refreshModes(store);
    return policy;
  }

  // Each project's capture mode as the store has it: another node may have changed one.
  async refreshModes(store: Pick<Store, 'listProjects'>): Promise<void> {
    for (const p of await store.listProjects()) this.modes.set(p.id, p.contentCapture);
  }

  private following: NodeJS.Timeout | null = null;

  // On a store several nodes share, re-reads the capture modes every `intervalMs`, so a mode
  // turned down through another node applies here within that time.
  follow(store: Pick<Store, 'listProjects'>, intervalMs: number, onError: (err: unknown) => void): void {
    this.following ??= setInterval(() => this.refreshModes(store).catch(onError), intervalMs);
    this.following.unref();
  }

  stopFollowing(): void {
    if (this.following) clearInterval(this.following);
    this.following = null;
  }

  modeOf(projectId: string): ContentCapture {
    return this.modes.get(projectId) ?? 'full';
  }

  set(projectId: string, mode: ContentCapture): void {
    this.modes.set(projectId, mode);
  }

  // A deleted project: a new one with its id starts with full capture, like any new project.
  forgetProject(projectId: string): void {
    this.modes.delete(projectId);
  }

  captures(projectId: string): boolean {
    return this.modeOf(projectId) === 'full';
  }

  // The stored hash of a prompt or response of this project.
  hash(projectId: string, text: string): string {
    return this.rekey(projectId, contentHash(text) as string);
  }

  // Mappers hash text at the edge without a key (they do not know the project's secret); the
  // pipeline keys that digest here, once, so no path can store an unkeyed hash.
  rekey(projectId: string, digest: string): string {
    return createHmac('sha256', this.projectKey(projectId)).update(digest).digest('hex').slice(0, HASH_CHARS);
  }

  private projectKey(projectId: string): KeyObject {
    let key = this.projectKeys.get(projectId);
    if (key === undefined) {
      key = createSecretKey(createHmac('sha256', this.serverKey).update(`lookout content hash\u0000${projectId}`).digest());
      this.projectKeys.set(projectId, key);
    }
    return key;
  }

  process(batch: ChainBatch): void {
    for (const s of batch.spans) this.applyToSpan(s);
    for (const l of batch.logs) this.applyToLog(l);
  }

  applyToSpan(span: SpanRecord): void {
    const mode = this.modeOf(span.projectId);
    if (span.promptHash !== null) span.promptHash = this.rekey(span.projectId, span.promptHash);
    if (span.responseHash !== null) span.responseHash = this.rekey(span.projectId, span.responseHash);
    const queryHash = span.metadata[QUERY_HASH_KEY];
    if (queryHash !== undefined) span.metadata[QUERY_HASH_KEY] = this.rekey(span.projectId, queryHash);
    if (mode === 'full') return;
    span.content = null;
    span.errorMessage = errorTypeName(span.errorMessage);
    for (const key of Object.keys(span.metadata)) if (CONTENT.isContent(key)) delete span.metadata[key];
    if (mode === 'off') {
      span.promptHash = null;
      span.responseHash = null;
      delete span.metadata[QUERY_HASH_KEY];
    }
  }

  applyToLog(log: LogRecord): void {
    if (this.modeOf(log.projectId) === 'full') return;
    if ((log.attributes['event.name'] ?? '').startsWith('gen_ai.')) log.body = '';
    for (const key of Object.keys(log.attributes)) if (CONTENT.isContent(key)) delete log.attributes[key];
  }
}

const SHARED_KEY_DOCUMENT = 'content-hash-key';
// Nodes starting together may each write a key: each reads back after this long, by when every
// write has landed, and all use the newest.
const SHARED_KEY_SETTLE_MS = 250;

async function loadOrCreateSharedKey(documents: DocumentStore): Promise<{ key: Buffer; since: Date }> {
  const parse = (text: string) => {
    const doc = JSON.parse(text) as { key: string; createdAt: string };
    const key = Buffer.from(doc.key, 'base64');
    if (key.length !== HASH_KEY_BYTES) throw new Error(`the shared document ${SHARED_KEY_DOCUMENT} does not hold a content hash key of ${HASH_KEY_BYTES} bytes`);
    return { key, since: new Date(doc.createdAt) };
  };
  const existing = await documents.read(SHARED_KEY_DOCUMENT);
  if (existing !== null) return parse(existing);
  await documents.write(SHARED_KEY_DOCUMENT, JSON.stringify({ key: randomBytes(HASH_KEY_BYTES).toString('base64'), createdAt: new Date().toISOString() }));
  await new Promise((r) => setTimeout(r, SHARED_KEY_SETTLE_MS));
  return parse((await documents.read(SHARED_KEY_DOCUMENT))!);
}

// Moving an install to a store several nodes share: its key file becomes the shared key, so that
// the hashes it stored still match new ones. Left alone when the store has a key already.
export async function shareKeyFile(documents: DocumentStore, keyFile: string): Promise<'copied' | 'present' | 'none'> {
  if ((await documents.read(SHARED_KEY_DOCUMENT)) !== null) return 'present';
  let key: Buffer;
  try {
    key = await readFile(keyFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'none';
    throw err;
  }
  if (key.length !== HASH_KEY_BYTES) throw new Error(`${keyFile} holds ${key.length} bytes, not the ${HASH_KEY_BYTES} of a content hash key`);
  const since = (await stat(keyFile)).mtime;
  await documents.write(SHARED_KEY_DOCUMENT, JSON.stringify({ key: key.toString('base64'), createdAt: since.toISOString() }));
  return 'copied';
}

async function loadOrCreateKey(path: string): Promise<Buffer> {
  try {
    const key = await readFile(path);
    if (key.length !== HASH_KEY_BYTES) {
      throw new Error(`${path} holds ${key.length} bytes, not the ${HASH_KEY_BYTES} of a content hash key: restore it from a backup or delete it (stored hashes then no longer match new ones)`);
    }
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(HASH_KEY_BYTES);
  const fh = await open(path, 'wx', PRIVATE_FILE_MODE);
  try {
    await fh.writeFile(key);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  return key;
}
