import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// E4: passwords of local accounts, hashed with scrypt (memory-hard, in Node's crypto; run on the
// thread pool, off the event loop). Stored as "scrypt$<log2 N>$<r>$<p>$<salt>$<hash>" (base64url),
// so the parameters can be raised later without making old hashes unreadable.

const LOG2_N = 15; // N = 32768: 32 MiB and some 50-100 ms per hash
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
// Hashes with larger parameters than these are refused (a hash is read from the store).
const MAX_LOG2_N = 20;
const MAX_R = 32;
const MAX_P = 16;

export const MIN_PASSWORD_CHARS = 8;
export const MAX_PASSWORD_CHARS = 1024;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N;
  const options: ScryptOptions = { N, r, p, maxmem: 2 * 128 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, LOG2_N, R, P);
  return ['scrypt', LOG2_N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

// Whether `password` is the one `encoded` was made from; false for anything not a hash of ours.
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number);
  if (![log2N, r, p].every(Number.isInteger) || log2N < 1 || log2N > MAX_LOG2_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return false;
  const salt = Buffer.from(parts[4], 'base64url');
  const expected = Buffer.from(parts[5], 'base64url');
  if (salt.length === 0 || expected.length !== KEY_BYTES) return false;
  const key = await derive(password, salt, log2N, r, p);
  return timingSafeEqual(key, expected);
}

let dummy: Promise<string> | null = null;

// For a sign-in with an unknown email address: a password is checked against a hash all the
// same, so that the answer takes as long as for a known one.
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(16).toString('base64url'));
  await verifyPassword(password, await dummy);
  return false;
}

// A one-time password for an account made without one: 24 characters, 144 random bits.
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
