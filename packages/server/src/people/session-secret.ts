import { randomBytes } from 'node:crypto';
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
// Nodes starting together may each write one: each reads back after this long and all use the newest.
const SETTLE_MS = 250;

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
  await documents.write(SHARED_DOCUMENT, JSON.stringify({ secret: made(), createdAt: new Date().toISOString() }));
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  return parse((await documents.read(SHARED_DOCUMENT))!);
}

export async function loadSessionSecret(configured: string | null, documents: DocumentStore | null, file: string): Promise<string> {
  if (configured !== null) return configured;
  return documents ? fromDocuments(documents) : fromFile(file);
}
