// E1: what the redactor finds and what a project asks it to do with each kind of finding.

// The kinds of sensitive value the redactor knows. `secret` covers provider API keys, tokens,
// JWTs, private-key blocks and passwords in connection strings; `custom` a project's own patterns.
export const PII_TYPES = ['email', 'phone', 'credit_card', 'ssn', 'national_id', 'iban', 'ip_address', 'secret', 'custom'] as const;
export type PiiType = (typeof PII_TYPES)[number];

//   mask  the value becomes `[REDACTED:<type>]`, so the sentence stays readable
//   hash  the value becomes `[<type>:<12 hex>]`, keyed per project: the same value gives the same token
//   drop  the whole text field that holds the value is not stored
//   keep  the value is stored as it came (it is still counted)
export const REDACTION_MODES = ['mask', 'hash', 'drop', 'keep'] as const;
export type RedactionMode = (typeof REDACTION_MODES)[number];

export interface CustomPattern {
  name: string; // shown in findings: `custom:<name>`
  pattern: string; // a linear-time (RE2) regular expression
}

export interface RedactionSettings {
  modes: Record<PiiType, RedactionMode>;
  custom: CustomPattern[];
}

export function defaultRedactionSettings(): RedactionSettings {
  return { modes: Object.fromEntries(PII_TYPES.map((t) => [t, 'mask'])) as Record<PiiType, RedactionMode>, custom: [] };
}

export interface Finding {
  type: PiiType;
  // Which detector matched: `email`, `phone`, `secret:openai`, `secret:jwt`, `national_id:uk_nino`, `custom:<name>`.
  detector: string;
  start: number; // UTF-16 offsets into the scanned text
  end: number;
}

export interface RedactedText {
  // The text as it may be stored; null when a `drop` finding (or a failed scan) removes the field.
  text: string | null;
  findings: Finding[];
  // The text could not be scanned (too large): it is not stored (fails closed).
  failed: boolean;
}
