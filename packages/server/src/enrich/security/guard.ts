import { EVALUATION_FEATURE, JUDGE_INGEST_SOURCE, QUALITY_METADATA } from '../../domain/quality.ts';
import { SECURITY_METADATA } from '../../domain/security.ts';
import type { ChainBatch, Processor } from '../chain.ts';
import { isSecurityLog, SECURITY_EVENT_NAME } from './events.ts';

// The chain's first processor: only Lookout says what it found. A client's span metadata under the
// keys the chain writes (SECURITY_METADATA, QUALITY_METADATA) is dropped, so a client cannot
// inflate the PII, injection and refusal counters or the alerts over them, and a client's log
// claiming to be a security event is kept as an ordinary log. Only Lookout's judge records the judge's calls: a span from any other
// path claiming EVALUATION_FEATURE keeps the value under a client prefix, so it is counted as the
// application's spend, not hidden as Lookout's.

const OWN_KEYS: readonly string[] = [...Object.values(SECURITY_METADATA), ...Object.values(QUALITY_METADATA)];
export const CLIENT_EVALUATION_FEATURE = `client.${EVALUATION_FEATURE}`;

export class GuardProcessor implements Processor {
  readonly name = 'guard';

  process(batch: ChainBatch): void {
    for (const s of batch.spans) for (const key of OWN_KEYS) delete s.metadata[key];
    if (batch.source !== JUDGE_INGEST_SOURCE) {
      for (const s of batch.spans) if (s.attribution.feature === EVALUATION_FEATURE) s.attribution = { ...s.attribution, feature: CLIENT_EVALUATION_FEATURE };
    }
    for (const l of batch.logs) if (isSecurityLog(l)) l.attributes['event.name'] = `client.${SECURITY_EVENT_NAME}`;
  }
}
