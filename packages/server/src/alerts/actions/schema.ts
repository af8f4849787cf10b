import { z } from 'zod';
import { parseMatcher } from '../engine/silences.ts';
import { SECOND_MS, tryParseDuration } from '../../domain/time.ts';
import { httpUrl } from '../notifications/config.ts';

// F5: automated responses, under `alerts.actions` in the configuration. Each action names the
// alerts that trigger it (`when`) and one thing the gateway does while such an alert fires
// (`do`). Scope values may hold `{{ $labels.x }}`, filled in from the triggering alert.

export const ACTION_KINDS = ['switchModel', 'responseCache', 'rateLimit', 'block', 'fallback'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const GATEWAY_PROVIDERS = ['openai', 'anthropic'] as const;
export type GatewayProvider = (typeof GATEWAY_PROVIDERS)[number];

const MAX_SCOPE_VALUE_CHARS = 200;
const scopeValue = z.string().min(1, 'must not be empty').max(MAX_SCOPE_VALUE_CHARS);

// Who a response applies to: every field given must match the request ('*': any non-empty value).
const scopeSchema = z
  .object({ user: scopeValue.optional(), team: scopeValue.optional(), feature: scopeValue.optional() })
  .strict();
export type ActionScope = z.output<typeof scopeSchema>;


const modelName = z.string().min(1).max(200);

const switchModelSchema = z
  .object({
    // The model requested; a trailing '*' matches by prefix ('gpt-4o-2024*').
    from: modelName,
    to: modelName,
    // Only requests to this gateway route; any when unset.
    provider: z.enum(GATEWAY_PROVIDERS).optional(),
    scope: scopeSchema.default({}),
  })
  .strict();

const responseCacheSchema = z
  .object({
    ttl: z.string().refine((v) => (tryParseDuration(v) ?? 0) >= SECOND_MS, "must be a duration of at least 1s, such as '10m'"),
    // Keep one user's cached answers from being served to another.
    perUser: z.boolean().default(false),
    scope: scopeSchema.default({}),
  })
  .strict();

const rateLimitSchema = z
  .object({
    requestsPerMinute: z.number().int('must be a whole number').min(1).max(1_000_000),
    // user '*': every user has a budget of their own; a name: only that user.
    scope: scopeSchema.refine((s) => s.user !== undefined, 'scope.user is required (a user name, a {{ $labels.user }} template, or * for each user)'),
  })
  .strict();

const blockSchema = z
  .object({
    scope: scopeSchema.refine((s) => s.user !== undefined || s.team !== undefined || s.feature !== undefined, 'name at least one of user, team or feature (blocking every request is refused)'),
  })
  .strict();

const fallbackSchema = z
  .object({
    // The gateway route it applies to; the fallback upstream must speak the same wire format.
    provider: z.enum(GATEWAY_PROVIDERS),
    baseUrl: httpUrl,
    onStatus: z.array(z.number().int().min(400).max(599)).min(1).default([429, 500, 502, 503, 504]),
    scope: scopeSchema.default({}),
  })
  .strict();

const doSchema = z
  .object({
    switchModel: switchModelSchema.optional(),
    responseCache: responseCacheSchema.optional(),
    rateLimit: rateLimitSchema.optional(),
    block: blockSchema.optional(),
    fallback: fallbackSchema.optional(),
  })
  .strict()
  .refine((d) => Object.values(d).filter((v) => v !== undefined).length === 1, `give exactly one of: ${ACTION_KINDS.join(', ')}`);

const matcherText = z.string().superRefine((text, ctx) => {
  try {
    parseMatcher(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const whenSchema = z
  .object({
    alertname: z.string().min(1).optional(),
    matchers: z.array(matcherText).default([]),
  })
  .strict()
  .refine((w) => w.alertname !== undefined || w.matchers.length > 0, 'give alertname or at least one matcher (an action on every alert is refused)');

export const actionSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'an action id is 1-100 letters, digits, _, ., : and -'),
    when: whenSchema,
    do: doSchema,
    dryRun: z.boolean().default(false),
    revertOnResolve: z.boolean().default(true),
  })
  .strict();

export const actionsSchema = z.array(actionSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((a, i) => {
    if (seen.has(a.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `action id '${a.id}' is used twice` });
    seen.add(a.id);
  });
});

export type ActionConfig = z.output<typeof actionSchema>;
export type ActionConfigInput = z.input<typeof actionSchema>;

export type SwitchModelParams = z.output<typeof switchModelSchema>;
export type ResponseCacheParams = z.output<typeof responseCacheSchema>;
export type RateLimitParams = z.output<typeof rateLimitSchema>;
export type BlockParams = z.output<typeof blockSchema>;
export type FallbackParams = z.output<typeof fallbackSchema>;

export interface ParamsByKind {
  switchModel: SwitchModelParams;
  responseCache: ResponseCacheParams;
  rateLimit: RateLimitParams;
  block: BlockParams;
  fallback: FallbackParams;
}

export function kindOf(action: ActionConfig): ActionKind {
  return ACTION_KINDS.find((k) => action.do[k] !== undefined)!;
}
