import type { PiiType, RedactionMode } from '../api/types.ts';

// The kinds of sensitive value and the redaction modes the API names (docs/privacy.md), in the
// order the settings page lists them. The compiler checks them against the API's own unions, so
// a kind the server adds fails the build until it is listed here.

export const PII_TYPES = ['email', 'phone', 'credit_card', 'ssn', 'national_id', 'iban', 'ip_address', 'secret', 'custom'] as const satisfies readonly PiiType[];
export const REDACTION_MODES = ['mask', 'hash', 'drop', 'keep'] as const satisfies readonly RedactionMode[];

type Unlisted = Exclude<PiiType, (typeof PII_TYPES)[number]> | Exclude<RedactionMode, (typeof REDACTION_MODES)[number]>;
export const EVERY_KIND_LISTED: [Unlisted] extends [never] ? true : never = true;
