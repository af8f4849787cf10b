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
  // The prompt the calls inside are made from: Lookout groups and compares calls by prompt,
  // prompt_version and variant. `variables` (the template variables) are prompt content: Lookout
  // keeps them only when the project captures content in full.
  prompt?: PromptRef;
}

export interface PromptRef {
  name?: string;
  version?: string | number;
  variant?: string;
  variables?: Record<string, unknown>;
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
  // Field by field (an outer variant, an inner prompt); variables belong to one prompt and are replaced whole.
  // An inner prompt of another name is another prompt: the outer one's version and variables are
  // not its own, so they are dropped (the variant, an arm of the experiment, still applies).
  if (inner.prompt !== undefined && inner.prompt !== null) {
    const base = outer.prompt ?? {};
    const renamed = typeof inner.prompt.name === 'string' && inner.prompt.name !== '' && inner.prompt.name !== base.name;
    const p: PromptRef = renamed ? (base.variant === undefined ? {} : { variant: base.variant }) : { ...base };
    for (const key of ['name', 'version', 'variant', 'variables'] as const) {
      const v = inner.prompt[key];
      if (v !== undefined && v !== null) (p as Record<string, unknown>)[key] = v;
    }
    merged.prompt = p;
  }
  return merged;
}

export function contextAttributes(ctx: LookoutContext): Attributes {
  const attrs: Attributes = {};
  for (const [key, name] of FIELDS) {
    const v = ctx[key];
    if (typeof v === 'string' && v !== '') attrs[name] = v;
  }
  if (Array.isArray(ctx.tags) && ctx.tags.length > 0) attrs['lookout.tags'] = ctx.tags.map(String);
  const prompt = ctx.prompt;
  if (prompt) {
    if (typeof prompt.name === 'string' && prompt.name !== '') attrs['lookout.prompt.name'] = prompt.name;
    if ((typeof prompt.version === 'string' && prompt.version !== '') || (typeof prompt.version === 'number' && Number.isFinite(prompt.version))) {
      attrs['lookout.prompt.version'] = String(prompt.version);
    }
    if (typeof prompt.variant === 'string' && prompt.variant !== '') attrs['lookout.prompt.variant'] = prompt.variant;
    if (prompt.variables && typeof prompt.variables === 'object') attrs['lookout.prompt.variables'] = safeStringify(prompt.variables);
  }
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
