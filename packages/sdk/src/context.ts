import { AsyncLocalStorage } from 'node:async_hooks';
import type { Attributes } from '@opentelemetry/api';

// Attribution that flows through async calls (seed 001: user, session, feature, team, ...).
// Every span the SDK creates inside withContext carries it as lookout.* attributes.
export interface LookoutContext {
  userId?: string;
  sessionId?: string;
  feature?: string;
  team?: string;
  department?: string;
  application?: string;
  environment?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
}

interface Frame {
  ctx: LookoutContext;
  attributes: Attributes; // computed once per withContext, reused by every span inside it
}

const storage = new AsyncLocalStorage<Frame>();
const EMPTY: Attributes = Object.freeze({}) as Attributes;

const FIELDS: readonly [keyof LookoutContext, string][] = [
  ['userId', 'lookout.user.id'],
  ['sessionId', 'lookout.session.id'],
  ['feature', 'lookout.feature'],
  ['team', 'lookout.team'],
  ['department', 'lookout.department'],
  ['application', 'lookout.application'],
  ['environment', 'lookout.environment'],
];

function merge(outer: LookoutContext | undefined, inner: LookoutContext): LookoutContext {
  if (outer === undefined) return { ...inner };
  const merged: LookoutContext = { ...outer };
  for (const [key] of FIELDS) {
    const v = inner[key];
    if (v !== undefined && v !== null) (merged as Record<string, unknown>)[key] = v;
  }
  if (inner.tags !== undefined) merged.tags = [...new Set([...(outer.tags ?? []), ...inner.tags])];
  if (inner.metadata !== undefined) merged.metadata = { ...(outer.metadata ?? {}), ...inner.metadata };
  return merged;
}

export function contextAttributes(ctx: LookoutContext): Attributes {
  const attrs: Attributes = {};
  for (const [key, name] of FIELDS) {
    const v = ctx[key];
    if (typeof v === 'string' && v !== '') attrs[name] = v;
  }
  if (Array.isArray(ctx.tags) && ctx.tags.length > 0) attrs['lookout.tags'] = ctx.tags.map(String);
  if (ctx.metadata) {
    for (const [k, v] of Object.entries(ctx.metadata)) {
      if (v === undefined || v === null) continue;
      attrs[`lookout.metadata.${k}`] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : safeStringify(v);
    }
  }
  return attrs;
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

// Runs fn with the given attribution; nested calls merge (inner fields win, tags are unioned,
// metadata keys merged). Returns whatever fn returns (a promise stays a promise).
export function withContext<T>(ctx: LookoutContext, fn: () => T): T {
  let frame: Frame;
  try {
    const merged = merge(storage.getStore()?.ctx, ctx ?? {});
    frame = { ctx: merged, attributes: contextAttributes(merged) };
  } catch {
    return fn();
  }
  return storage.run(frame, fn);
}

export function currentContext(): LookoutContext | undefined {
  return storage.getStore()?.ctx;
}

export function currentContextAttributes(): Attributes {
  return storage.getStore()?.attributes ?? EMPTY;
}
