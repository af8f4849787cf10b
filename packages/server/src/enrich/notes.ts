import type { InjectionKind, SecuritySeverity } from '../domain/security.ts';
import type { PiiType, RedactionMode } from './redact/types.ts';

// What the chain's processors found on each record, for the processor that turns it into security
// events once the record is attributed. Kept beside the records (a WeakMap), never on them: it
// names fields, not values.

export interface FoundValues {
  type: PiiType;
  detector: string;
  mode: RedactionMode;
  count: number;
  fields: Set<string>;
}

export interface InjectionFound {
  kind: InjectionKind;
  severity: SecuritySeverity;
  score: number;
  rules: string[];
  field: string;
}

export interface RecordNotes {
  found: Map<string, FoundValues>; // detector -> what it found
  injection: InjectionFound | null;
}

export class ChainNotes {
  private readonly notes = new WeakMap<object, RecordNotes>();

  of(record: object): RecordNotes | undefined {
    return this.notes.get(record);
  }

  for(record: object): RecordNotes {
    let n = this.notes.get(record);
    if (n === undefined) {
      n = { found: new Map(), injection: null };
      this.notes.set(record, n);
    }
    return n;
  }
}
