import { randomBytes, randomUUID } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import type { DocumentStore } from '../store/documents.ts';
import { PRIVATE_FILE_MODE } from '../state/private-files.ts';

// E4: the secret that signs session cookies: auth.sessions.secret when set, else one made on
// first start and kept: a private file in the data directory (one process owns the store), or a
// shared document (ClickHouse), so that every node signs and checks cookies alike.

export const SESSION_SECRET_FILE = 'session-secret.key';
const SHARED_DOCUMENT = 'session-secret';
const SECRET_BYTES = 48;
const MIN_SECRET_CHARS = 32;
// Nodes starting together: the one holding this lease makes the secret; the others wait and read it.
const SHARED_LEASE = 'session-secret:make';
const LEASE_TTL_MS = 30_000;
const LEASE_WAIT_MS = 60_000;
const LEASE_RETRY_MS = 100;

function made(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

async function fromFile(path: string): Promise<string> {
  try {
    const text = (await readFile(path, 'utf8')).trim();
    if (text.length < MIN_SECRET_CHARS) throw new Error(`${path} holds no session secret (fewer than ${MIN_SECRET_CHARS} characters): delete it to make a new one (everyone is then signed out)`);
    return text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = made();
  try {
    const fh = await open(path, 'wx', PRIVATE_FILE_MODE);
    try {
      await fh.writeFile(secret);
      await fh.datasync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    // Made at the same moment by another start: use that one.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fromFile(path);
    throw err;
  }
  return secret;
}

async function fromDocuments(documents: DocumentStore): Promise<string> {
  const parse = (text: string): string => {
    const doc = JSON.parse(text) as { secret?: unknown };
    if (typeof doc.secret !== 'string' || doc.secret.length < MIN_SECRET_CHARS) throw new Error(`the shared document ${SHARED_DOCUMENT} holds no session secret`);
    return doc.secret;
  };
  const existing = await documents.read(SHARED_DOCUMENT);
  if (existing !== null) return parse(existing);
  // Nodes starting together take turns under a lease: the first makes the secret, the others read it.
  const holder = randomUUID();
  const deadline = Date.now() + LEASE_WAIT_MS;
  while (!(await documents.lease(SHARED_LEASE, holder, LEASE_TTL_MS))) {
    if (Date.now() > deadline) throw new Error(`another node held ${SHARED_LEASE} for ${LEASE_WAIT_MS / 1000} s while making the session secret: start again`);
    await new Promise((r) => setTimeout(r, LEASE_RETRY_MS / 2 + Math.random() * LEASE_RETRY_MS));
  }
  try {
    const made_ = await documents.read(SHARED_DOCUMENT);
    if (made_ !== null) return parse(made_);
    await documents.write(SHARED_DOCUMENT, JSON.stringify({ secret: made(), createdAt: new Date().toISOString() }));
    return parse((await documents.read(SHARED_DOCUMENT))!);
  } finally {
    const release = (documents as { release?: (name: string, holder: string) => Promise<void> }).release;
    if (release) await release.call(documents, SHARED_LEASE, holder).catch(() => undefined);
  }
}

export async function loadSessionSecret(configured: string | null, documents: DocumentStore | null, file: string): Promise<string> {
  if (configured !== null) return configured;
  return documents ? fromDocuments(documents) : fromFile(file);
}
