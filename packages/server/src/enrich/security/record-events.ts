import type { SecurityAction, SecurityEvent, SecuritySeverity } from '../../domain/security.ts';
import type { ChainBatch, Derived, Processor } from '../chain.ts';
import type { ChainNotes, RecordNotes } from '../notes.ts';
import type { PiiType, RedactionMode } from '../redact/types.ts';
import { detectionEventId, securityEventToLog } from './events.ts';

// Turns what the redactor and the injection detector found into security events (the log of
// seed 001), once records are attributed, so each event names the user the call was for. One
// event per record and detector, with the number of values and the fields they were in.

const SEVERITY_OF_TYPE: Record<PiiType, SecuritySeverity> = {
  secret: 'high',
  credit_card: 'high',
  ssn: 'high',
  national_id: 'high',
  iban: 'medium',
  email: 'low',
  phone: 'low',
  ip_address: 'low',
  custom: 'medium',
};

const ACTION_OF_MODE: Record<RedactionMode, SecurityAction> = { mask: 'masked', hash: 'hashed', drop: 'dropped', keep: 'kept' };

interface Subject {
  parent: Derived['parent'];
  projectId: string;
  identity: string[]; // what makes the record itself unique
  timestampUs: number;
  userId: string | null;
  traceId: string | null;
  spanId: string | null;
}

export class SecurityEventsProcessor implements Processor {
  readonly name = 'security-events';
  private readonly notes: ChainNotes;

  constructor(notes: ChainNotes) {
    this.notes = notes;
  }

  process(batch: ChainBatch, derived: Derived[]): void {
    for (const s of batch.spans) {
      const n = this.notes.of(s);
      if (n) this.emit(n, { parent: { kind: 'span', record: s }, projectId: s.projectId, identity: ['span', s.traceId, s.spanId], timestampUs: s.startUs, userId: s.attribution.userId, traceId: s.traceId, spanId: s.spanId }, derived);
    }
    for (const l of batch.logs) {
      const n = this.notes.of(l);
      if (n) this.emit(n, { parent: { kind: 'log', record: l }, projectId: l.projectId, identity: ['log', l.id], timestampUs: l.timestampUs, userId: l.attributes['user.id'] ?? null, traceId: l.traceId, spanId: l.spanId }, derived);
    }
    for (const s of batch.scores) {
      const n = this.notes.of(s);
      if (n) this.emit(n, { parent: { kind: 'score', record: s }, projectId: s.projectId, identity: ['score', s.id], timestampUs: s.timestampUs, userId: s.userId, traceId: s.traceId, spanId: s.spanId }, derived);
    }
  }

  private emit(n: RecordNotes, at: Subject, derived: Derived[]): void {
    const base = { projectId: at.projectId, timestampUs: at.timestampUs, userId: at.userId, traceId: at.traceId, spanId: at.spanId };
    for (const f of n.found.values()) {
      const event: SecurityEvent = {
        ...base,
        id: detectionEventId([at.projectId, ...at.identity, f.detector]),
        type: f.type === 'secret' ? 'secret' : 'pii',
        severity: SEVERITY_OF_TYPE[f.type],
        action: ACTION_OF_MODE[f.mode],
        detector: f.detector,
        rule: null,
        count: f.count,
        field: [...f.fields].slice(0, 8).join(','),
        score: null,
      };
      derived.push({ log: securityEventToLog(event), parent: at.parent });
    }
    const inj = n.injection;
    if (inj) {
      const event: SecurityEvent = {
        ...base,
        id: detectionEventId([at.projectId, ...at.identity, 'injection']),
        type: inj.kind,
        severity: inj.severity,
        action: 'detected',
        detector: 'injection',
        rule: inj.rules[0] ?? null,
        count: 1,
        field: inj.field,
        score: inj.score,
      };
      derived.push({ log: securityEventToLog(event), parent: at.parent });
    }
  }
}
