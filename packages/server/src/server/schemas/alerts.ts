import { z } from 'zod';
import { baselineSchema, CATEGORIES, ruleSchema, ruleSchemaBase, SEVERITIES } from '../../alerts/rules/schema.ts';
import type { WireRule } from '../../alerts/rules/wire.ts';
import type { Alert, AlertEvent } from '../../alerts/types.ts';
import type { RuleView } from '../../alerts/engine/engine.ts';
import { silenceInputSchema, type Silence } from '../../alerts/engine/silences.ts';
import type { DeliveryRecord } from '../../alerts/notifications/dispatcher.ts';
import type { GroupOutcome } from '../../alerts/engine/evaluate.ts';
import { documentedOnly } from '../openapi.ts';
import type { Assert, Extends } from './check.ts';

const durationText = z.string().describe('a duration: 90s, 5m, 1h30m, 7d or 2w (docs/api.md, times and durations)');

// A rule as given: validated by the alert engine, whose messages name the field and the file
// position (docs/alerts.md).
export const ruleBodySchema = documentedOnly(ruleSchema.meta({ id: 'RuleDefinition', description: 'an alert rule, as in a rule file (docs/alerts.md)' }));

// A rule as answered: the same fields, durations written back as they are accepted.
export const ruleSchemaOut = ruleSchemaBase
  .extend({
    id: z.string(),
    window: durationText.optional(),
    lookback: durationText.optional(),
    for: durationText,
    cooldown: durationText,
    baseline: baselineSchema.extend({ lookback: durationText.optional() }).optional(),
  })
  .meta({ id: 'Rule' });

const labelsSchema = z.record(z.string(), z.string());

export const alertSchema = z
  .object({
    fingerprint: z.string(),
    projectId: z.string(),
    ruleId: z.string(),
    labels: labelsSchema.and(z.object({ alertname: z.string(), severity: z.enum(SEVERITIES), category: z.enum(CATEGORIES), project: z.string() })),
    annotations: labelsSchema,
    state: z.enum(['pending', 'firing', 'resolved']),
    value: z.number().nullable(),
    threshold: z.number().nullable(),
    activeSinceMs: z.number(),
    firedAtMs: z.number().nullable(),
    resolvedAtMs: z.number().nullable(),
    lastEvaluatedMs: z.number(),
    silencedBy: z.array(z.string()),
    inhibitedBy: z.array(z.string()),
  })
  .meta({ id: 'Alert' });

export const alertEventSchema = z
  .object({
    atMs: z.number(),
    fingerprint: z.string(),
    projectId: z.string(),
    ruleId: z.string(),
    labels: alertSchema.shape.labels,
    from: z.enum(['pending', 'firing', 'resolved']).nullable(),
    to: z.enum(['pending', 'firing', 'resolved']),
    value: z.number().nullable(),
  })
  .meta({ id: 'AlertEvent' });

export const ruleViewSchema = z
  .object({
    rule: ruleSchemaOut,
    source: z.enum(['pack', 'file', 'api']),
    enabled: z.boolean(),
    health: z.object({ lastEvaluatedMs: z.number().nullable(), lastDurationMs: z.number().nullable(), lastError: z.string().nullable(), noData: z.boolean() }),
  })
  .meta({ id: 'RuleView' });

export const ruleLoadErrorSchema = z.object({
  source: z.string(),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  path: z.string(),
  message: z.string(),
  text: z.string().describe('the error as one line: file:line:column path: message'),
});

export const groupOutcomeSchema = z.object({ labels: labelsSchema, value: z.number().nullable(), active: z.boolean() });

// Validated by the alert engine, whose messages say which matcher or time is wrong.
export const silenceBodySchema = documentedOnly(silenceInputSchema.meta({ id: 'SilenceDefinition' }));

export const silenceSchema = z
  .object({
    id: z.string(),
    projectId: z.string(),
    matchers: z.array(z.object({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean() })),
    startsAtMs: z.number(),
    endsAtMs: z.number(),
    createdBy: z.string(),
    comment: z.string(),
    createdAtMs: z.number(),
  })
  .meta({ id: 'Silence' });

// A silence as listed: whether it mutes alerts now (started and not yet ended).
export const silenceListedSchema = silenceSchema.extend({ active: z.boolean() }).meta({ id: 'ListedSilence' });

export const deliverySchema = z
  .object({
    id: z.string(),
    atMs: z.number(),
    projectId: z.string(),
    receiver: z.string(),
    type: z.enum(['webhook', 'slack', 'pagerduty', 'alertmanager']),
    groupKey: z.string(),
    status: z.enum(['firing', 'resolved']),
    alerts: z.number().int(),
    fingerprints: z.array(z.string()),
    attempts: z.number().int(),
    ok: z.boolean(),
    httpStatus: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number(),
  })
  .meta({ id: 'Delivery' });

export type AlertChecks = [
  Assert<Extends<Alert, z.output<typeof alertSchema>>>,
  Assert<Extends<AlertEvent, z.output<typeof alertEventSchema>>>,
  Assert<Extends<WireRule, z.input<typeof ruleSchemaOut>>>,
  Assert<Extends<Omit<RuleView, 'rule'>, Omit<z.output<typeof ruleViewSchema>, 'rule'>>>,
  Assert<Extends<Silence, z.output<typeof silenceSchema>>>,
  Assert<Extends<Silence & { active: boolean }, z.output<typeof silenceListedSchema>>>,
  Assert<Extends<DeliveryRecord, z.output<typeof deliverySchema>>>,
  Assert<Extends<GroupOutcome, z.output<typeof groupOutcomeSchema>>>,
];
