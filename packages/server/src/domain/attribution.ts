import { EVALUATION_FEATURE } from './quality.ts';
import { ATTRIBUTION_KEYS, type Attribution } from './span.ts';

// Who a call is for is usually said once, on the trace's root span (OpenTelemetry users put
// user.id or the feature there), while the cost is on its LLM spans. The rule, everywhere it is
// applied (the ingest chain, the stores' fill on load, the budget book): a span keeps every
// attribution field it has, and takes the root's value for each field it lacks. Only the root
// gives: a sibling's user is not the trace's. Lookout's judge feature is never given: a client's
// span sent into a judge trace stays the application's spend.

export function inheritAttribution(own: Attribution, root: Attribution): Attribution {
  let out: Attribution | null = null;
  for (const key of ATTRIBUTION_KEYS) {
    if (own[key] === null && root[key] !== null && !(key === 'feature' && root.feature === EVALUATION_FEATURE)) {
      out ??= { ...own };
      out[key] = root[key];
    }
  }
  return out ?? own;
}

export function hasAttribution(a: Attribution): boolean {
  for (const key of ATTRIBUTION_KEYS) if (a[key] !== null) return true;
  return false;
}
