import type { EvaluatorSource } from '../domain/quality.ts';
import type { ContentPolicy } from '../ingest/content-policy.ts';
import { AttributeProcessor } from './attribute.ts';
import { AppCacheProcessor } from './quality/app-cache.ts';
import { ProcessorChain } from './chain.ts';
import { ChainNotes } from './notes.ts';
import { EvaluateProcessor, type EvaluationCounter } from './quality/evaluate.ts';
import { ErrorFingerprintProcessor } from './quality/fingerprint.ts';
import { RetrievalFactsProcessor } from './quality/retrieval.ts';
import { ScoreContextProcessor } from './quality/score-context.ts';
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
// `privacy` null: the instance turned redaction off (privacy.redact: false). `evaluators`: the
// projects' heuristic evaluators (none when absent; refusals are marked either way), `evaluated`
// told how their evaluations ended.
export function ingestChain(deps: { pricer: Pricer; privacy: Privacy | null; content: ContentPolicy; evaluators?: EvaluatorSource; evaluated?: EvaluationCounter }): ProcessorChain {
  const notes = new ChainNotes();
  return new ProcessorChain([
    new GuardProcessor(),
    ...(deps.privacy ? [new RedactProcessor(deps.privacy, notes)] : []),
    new PriceProcessor(deps.pricer),
    new AttributeProcessor(),
    // After attribute: a trace's spans carry its root's attribution, which its scores take.
    new ScoreContextProcessor(),
    // After price and attribute (the SLOs read the cost, filters the feature); before the content
    // policy, which may drop the answer the heuristics read.
    new EvaluateProcessor(deps.evaluators, deps.evaluated ?? null),
    new DetectProcessor(notes),
    new SecurityEventsProcessor(notes),
    // Before the content policy, which may drop the message the fingerprint is made from.
    new ErrorFingerprintProcessor(),
    // After the guard (which drops clients' values under Lookout's keys) and pricing; reads metadata only.
    new RetrievalFactsProcessor(),
    // After the guard and attribute (the judge's spans are known by their feature); metadata only.
    new AppCacheProcessor(),
    deps.content,
  ]);
}
