import { z } from 'zod';
import { defaultRedactionSettings, PII_TYPES, REDACTION_MODES, type PiiType, type RedactionMode, type RedactionSettings } from './types.ts';

// E1/E2: a project's privacy settings, one schema for the config file (the instance's defaults)
// and the API (a project's own): what the redactor does with each kind of value, the project's
// own patterns, and what the gateway does with a high-severity prompt injection.

export const GATEWAY_INJECTION_POLICIES = ['detect', 'block'] as const;
export type GatewayInjectionPolicy = (typeof GATEWAY_INJECTION_POLICIES)[number];

export const MAX_CUSTOM_PATTERNS = 20;
export const MAX_CUSTOM_PATTERN_CHARS = 500;

const mode = z.enum(REDACTION_MODES, { error: `must be one of ${REDACTION_MODES.join(', ')}` });
const policy = z.enum(GATEWAY_INJECTION_POLICIES, { error: `must be one of ${GATEWAY_INJECTION_POLICIES.join(', ')}` });

export const customPatternSchema = z
  .object({
    name: z
      .string({ error: 'must be a name: 1-40 lowercase letters, digits or underscores' })
      .regex(/^[a-z0-9_]{1,40}$/, 'must be 1-40 lowercase letters, digits or underscores')
      .describe('Shown in findings as custom:<name>; unique within the project.'),
    pattern: z
      .string({ error: 'must be a regular expression in RE2 syntax' })
      .min(1, 'must not be empty')
      .max(MAX_CUSTOM_PATTERN_CHARS, `must be at most ${MAX_CUSTOM_PATTERN_CHARS} characters`)
      .describe(`A regular expression in RE2 syntax (linear time: no backreferences or lookaround), at most ${MAX_CUSTOM_PATTERN_CHARS} characters.`),
  })
  .strict();

export const privacySettingsInputSchema = z
  .object({
    modes: z
      .partialRecord(z.enum(PII_TYPES), mode)
      .optional()
      .describe('What is done with each kind of value found: mask (the default), hash, drop (the whole field) or keep.'),
    custom: z
      .array(customPatternSchema, { error: 'must be a list of { name, pattern }' })
      .max(MAX_CUSTOM_PATTERNS, `must hold at most ${MAX_CUSTOM_PATTERNS} patterns`)
      .optional().describe('The project\'s own patterns, redacted as type custom.'),
    gatewayInjection: policy
      .optional()
      .describe('What the gateway does with a high-severity prompt injection in a request: detect (record it, forward the call) or block (answer 400 in the provider\'s error format).'),
  })
  .strict();
export type PrivacySettingsInput = z.infer<typeof privacySettingsInputSchema>;

export interface PrivacySettings extends RedactionSettings {
  gatewayInjection: GatewayInjectionPolicy;
}

export function defaultPrivacySettings(): PrivacySettings {
  return { ...defaultRedactionSettings(), gatewayInjection: 'detect' };
}

// `input` over `base`: modes given replace the base's one by one; custom patterns and the gateway
// policy replace the base's when given.
export function applyPrivacyInput(base: PrivacySettings, input: PrivacySettingsInput): PrivacySettings {
  const modes = { ...base.modes } as Record<PiiType, RedactionMode>;
  for (const [type, m] of Object.entries(input.modes ?? {})) if (m) modes[type as PiiType] = m;
  return { modes, custom: input.custom ?? base.custom, gatewayInjection: input.gatewayInjection ?? base.gatewayInjection };
}
