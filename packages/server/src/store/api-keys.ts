import { createHash, randomBytes, randomUUID } from 'node:crypto';

// API keys are minted here, the same for every backend: a backend stores only the hash and the
// first characters (to tell keys apart in a list), never the key.

const KEY_PREFIX_CHARS = 10;
const KEY_RANDOM_BYTES = 24;

export interface MintedKey {
  id: string;
  key: string; // shown once, to the caller that created it
  hash: string;
  prefix: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

const KEY_PREFIX = 'lk_';

// Whether the text has the form of a Lookout key (not whether one exists).
export function isLookoutKey(text: string): boolean {
  return text.startsWith(KEY_PREFIX);
}

export function mintApiKey(): MintedKey {
  const key = `${KEY_PREFIX}${randomBytes(KEY_RANDOM_BYTES).toString('base64url')}`;
  return { id: randomUUID(), key, hash: hashApiKey(key), prefix: key.slice(0, KEY_PREFIX_CHARS) };
}
