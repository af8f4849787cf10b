import { randomUUID } from 'node:crypto';
import { LookoutError } from '../../errors.ts';
import type { DocumentStore } from '../store.ts';
import type { Ch } from './client.ts';
import { chTime } from './rows.ts';
import { nextVersion } from './version.ts';

// Shared documents and leases, in control-plane tables: a full copy on every shard, written to
// all of them, read from the first that answers.

// A claim is read back after this long, so that claims racing for a free lease have all landed
// and every claimant sees the same winner (the newest version). That holds when each claim landed
// within CLAIM_SETTLE_MS of its claimant reading the lease free: a rival that read it free before
// this claim landed then landed before this claimant's check, and the reverse. A claimant whose own
// claim took longer cannot know that a rival's check saw it, so it does not take the lease this time.
// Its row may still name it, and its next call then renews it; a rival that read the lease free
// before that row landed may believe it holds the lease too, so two holders remain possible in
// that case until one of them reads the other's row (the prompt registry's read-back guards its
// numbering against it; the alert evaluator may evaluate twice for one tick).
const CLAIM_SETTLE_MS = 250;

// Short leases (underLease): held for at most this long (a write takes a few round trips), waited
// for at most this long before the write is answered 503, tried again about this often.
const SHORT_LEASE_TTL_MS = 30_000;
const SHORT_LEASE_WAIT_MS = 20_000;
const SHORT_LEASE_RETRY_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ChDocuments implements DocumentStore {
  private readonly ch: Ch;

  constructor(ch: Ch) {
    this.ch = ch;
  }

  private table(name: string): string {
    return `${this.ch.database}.${name}`;
  }

  async read(name: string): Promise<string | null> {
    const rows = await this.ch.queryControl<{ body: string }>(`SELECT body FROM ${this.table('documents')} FINAL WHERE name = {name:String}`, { name });
    return rows.length ? rows[0].body : null;
  }

  async write(name: string, text: string): Promise<void> {
    await this.ch.insertEveryShard(this.table('documents'), [{ name, body: text, version: nextVersion() }]);
  }

  async lease(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const readMs = Date.now();
    const current = await this.holder(name);
    const nowMs = Date.now();
    if (current && current.holder !== holder && current.expiresMs > nowMs) return false;
    await this.ch.insertEveryShard(this.table('leases'), [{ name, holder, expires_at: chTime((nowMs + ttlMs) * 1000), version: nextVersion() }]);
    // Renewing one's own lease needs no settling: nobody else may claim it before it expires.
    if (current?.holder === holder && current.expiresMs > nowMs) return true;
    if (Date.now() - readMs > CLAIM_SETTLE_MS) return false;
    await new Promise((r) => setTimeout(r, CLAIM_SETTLE_MS));
    return (await this.holder(name))?.holder === holder;
  }

  // Gives the lease up when `holder` still has it, so that the next claimant need not wait for it
  // to expire. Not part of DocumentStore: only ClickHouse code takes short leases.
  async release(name: string, holder: string): Promise<void> {
    const current = await this.holder(name);
    if (current?.holder !== holder) return;
    await this.ch.insertEveryShard(this.table('leases'), [{ name, holder, expires_at: chTime(Date.now() * 1000), version: nextVersion() }]);
  }

  // Runs `write` holding the lease `name`, giving it up afterwards whatever happened. When others
  // keep it longer than SHORT_LEASE_WAIT_MS: 'store_unavailable', "<heldBy> for 20 s; send this
  // one again".
  async underLease<T>(name: string, heldBy: string, write: () => Promise<T>): Promise<T> {
    const holder = randomUUID();
    const deadline = Date.now() + SHORT_LEASE_WAIT_MS;
    while (!(await this.lease(name, holder, SHORT_LEASE_TTL_MS))) {
      if (Date.now() > deadline) throw new LookoutError('store_unavailable', `${heldBy} for ${SHORT_LEASE_WAIT_MS / 1000} s; send this one again`);
      await sleep(SHORT_LEASE_RETRY_MS / 2 + Math.random() * SHORT_LEASE_RETRY_MS);
    }
    try {
      return await write();
    } finally {
      await this.release(name, holder).catch(() => undefined);
    }
  }

  private async holder(name: string): Promise<{ holder: string; expiresMs: number } | null> {
    const rows = await this.ch.queryControl<{ holder: string; expires_ms: string }>(
      `SELECT holder, toUnixTimestamp64Milli(expires_at) AS expires_ms FROM ${this.table('leases')} FINAL WHERE name = {name:String}`,
      { name },
    );
    return rows.length ? { holder: rows[0].holder, expiresMs: Number(rows[0].expires_ms) } : null;
  }
}
