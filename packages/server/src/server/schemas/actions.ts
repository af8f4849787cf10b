import { z } from 'zod';
import type { ActionEngine, Activation } from '../../alerts/actions/engine.ts';
import { ACTION_KINDS, GATEWAY_PROVIDERS, type ActionConfig, type ParamsByKind } from '../../alerts/actions/schema.ts';
import type { Assert, Extends } from './check.ts';

// Automated responses as the API gives them: the configured actions and their activations.
// Checked against their TypeScript types at compile time (below) and in the tests.

const scopeSchema = z
  .object({ user: z.string().optional(), team: z.string().optional(), feature: z.string().optional() })
  .describe("who the response applies to: every field given must match the request ('*': any value)");

const switchModelParams = z.object({ from: z.string(), to: z.string(), provider: z.enum(GATEWAY_PROVIDERS).optional(), scope: scopeSchema });
const responseCacheParams = z.object({ ttl: z.string().describe("a duration, e.g. '10m'"), perUser: z.boolean(), scope: scopeSchema });
const rateLimitParams = z.object({ requestsPerMinute: z.number().int(), scope: scopeSchema });
const blockParams = z.object({ scope: scopeSchema });
const fallbackParams = z.object({ provider: z.enum(GATEWAY_PROVIDERS), baseUrl: z.string(), onStatus: z.array(z.number().int()), scope: scopeSchema });

export const actionParamsSchema = z
  .union([switchModelParams, responseCacheParams, rateLimitParams, fallbackParams, blockParams])
  .meta({ id: 'ActionParams', description: 'the parameters of the action, by its kind (see docs/alerts.md)' });

export const activationSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    actionId: z.string(),
    kind: z.enum(ACTION_KINDS),
    params: actionParamsSchema.describe("the action's parameters with {{ $labels.x }} filled in from the triggering alert"),
    triggeredBy: z.object({
      fingerprint: z.string(),
      ruleId: z.string(),
      alertname: z.string(),
      severity: z.string(),
      labels: z.record(z.string(), z.string()),
      value: z.number().nullable(),
      firedAtMs: z.number().nullable(),
      summary: z.string().nullable(),
    }),
    activatedAtMs: z.number(),
    dryRun: z.boolean().describe('listed and reported, but changes nothing'),
    revertOnResolve: z.boolean(),
    state: z.enum(['active', 'reverted']),
    revertedAtMs: z.number().nullable(),
    revertedBy: z.enum(['resolve', 'api', 'config']).nullable(),
    revertedByKey: z.string().nullable().describe('the API key that reverted it'),
    alertResolvedAtMs: z.number().nullable().describe('when its alert stopped firing; null: still firing'),
    configHash: z.string(),
  })
  .meta({ id: 'Activation' });

export const configuredActionSchema = z
  .object({
    id: z.string(),
    kind: z.enum(ACTION_KINDS),
    when: z.object({ alertname: z.string().optional(), matchers: z.array(z.string()) }),
    params: actionParamsSchema,
    dryRun: z.boolean(),
    revertOnResolve: z.boolean(),
  })
  .meta({ id: 'ConfiguredAction' });

export const actionListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional().describe('history entries at most (default 100)') }).strict();
export const activationIdParams = z.object({ id: z.string() });

type Configured = ReturnType<ActionEngine['configured']>[number];

// Compile-time: each answer type is what its schema says, both ways.
export type ActionChecks = [
  Assert<Extends<ParamsByKind[keyof ParamsByKind], z.output<typeof actionParamsSchema>>>,
  Assert<Extends<z.output<typeof actionParamsSchema>, ParamsByKind[keyof ParamsByKind]>>,
  Assert<Extends<ActionConfig['when'], z.output<typeof configuredActionSchema>['when']>>,
  Assert<Extends<Activation, z.output<typeof activationSchema>>>,
  Assert<Extends<z.output<typeof activationSchema>, Activation>>,
  Assert<Extends<Configured, z.output<typeof configuredActionSchema>>>,
  Assert<Extends<z.output<typeof configuredActionSchema>, Configured>>,
];
