import { SECURITY_METADATA } from '../../domain/security.ts';
import type { ChainBatch, Processor } from '../chain.ts';
import { isSecurityLog, SECURITY_EVENT_NAME } from './events.ts';

// The chain's first processor: only Lookout says what it found. A client's span metadata under the
// keys the chain writes (SECURITY_METADATA) is dropped, so a client cannot inflate the PII and
// injection counters or the alerts over them, and a client's log claiming to be a security event
// is kept as an ordinary log.

const OWN_KEYS = Object.values(SECURITY_METADATA);

export class GuardProcessor implements Processor {
  readonly name = 'guard';

  process(batch: ChainBatch): void {
    for (const s of batch.spans) for (const key of OWN_KEYS) delete s.metadata[key];
    for (const l of batch.logs) if (isSecurityLog(l)) l.attributes['event.name'] = `client.${SECURITY_EVENT_NAME}`;
  }
}
