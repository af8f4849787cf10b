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

export function mintApiKey(): MintedKey {
  const key = `lk_${randomBytes(KEY_RANDOM_BYTES).toString('base64url')}`;
  return { id: randomUUID(), key, hash: hashApiKey(key), prefix: key.slice(0, KEY_PREFIX_CHARS) };
}
