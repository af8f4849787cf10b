import { detectInjection, type InjectionResult } from '../../enrich/security/injection.ts';
import { promptText } from '../../enrich/security/prompt-text.ts';
import type { Endpoint, ProviderId } from './providers.ts';
import { parsedRequest, promptOf } from './record.ts';

// E2: a project whose privacy settings say `gatewayInjection: block` has model calls carrying a
// high-severity prompt injection refused before they reach the provider. Only then is the request
// body read on the proxy's path; with `detect` (the default) the call goes through untouched and
// the detection is made on the recorded call, off the caller's path.

const BLOCKED_SEVERITIES = new Set(['high', 'critical']);

export function injectionToBlock(provider: ProviderId, endpoint: Endpoint, body: Buffer | null): InjectionResult | null {
  if (!endpoint.budgeted) return null;
  const req = parsedRequest(body);
  const prompt = req ? promptOf(provider, req) : null;
  if (prompt === null) return null;
  const found = detectInjection(promptText(prompt), 'prompt');
  return found && BLOCKED_SEVERITIES.has(found.severity) ? found : null;
}
