import type { ContentPolicy } from '../ingest/content-policy.ts';
import { AttributeProcessor } from './attribute.ts';
import { ProcessorChain } from './chain.ts';
import { ChainNotes } from './notes.ts';
import type { Pricer } from './pricing/pricer.ts';
import { PriceProcessor } from './pricing/processor.ts';
import type { Privacy } from './redact/privacy.ts';
import { RedactProcessor } from './redact/processor.ts';
import { DetectProcessor } from './security/detect.ts';
import { GuardProcessor } from './security/guard.ts';
import { SecurityEventsProcessor } from './security/record-events.ts';

// The server's ingest chain, in its order: the guard drops what only Lookout may say, redact next (nothing after it sees a raw value),
// then price, attribute, detect injection, turn findings into security events (once the record
// names its user), and last the content capture policy (which may drop what the others read).
// `privacy` null: the instance turned redaction off (privacy.redact: false).
export function ingestChain(deps: { pricer: Pricer; privacy: Privacy | null; content: ContentPolicy }): ProcessorChain {
  const notes = new ChainNotes();
  return new ProcessorChain([
    new GuardProcessor(),
    ...(deps.privacy ? [new RedactProcessor(deps.privacy, notes)] : []),
    new PriceProcessor(deps.pricer),
    new AttributeProcessor(),
    new DetectProcessor(notes),
    new SecurityEventsProcessor(notes),
    deps.content,
  ]);
}
