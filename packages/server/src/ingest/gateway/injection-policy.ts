import { detectInjection, type InjectionResult } from '../../enrich/security/injection.ts';
import { promptText } from '../../enrich/security/prompt-text.ts';
import type { Endpoint, ProviderId } from './providers.ts';
import { parsedRequest, promptOf } from './record.ts';

// E2: a project whose privacy settings say `gatewayInjection: block` has model calls carrying a
// high-severity prompt injection refused before they reach the provider. Only then is the request
// body read on the proxy's path; with `detect` (the default) the call goes through untouched and
// the detection is made on the recorded call, off the caller's path.

const BLOCKED_SEVERITIES = new Set(['high', 'critical']);
// Bodies up to this size are parsed to read the messages' texts; a larger one (up to
// gateway.maxBodyBytes) is not parsed on the caller's path: its text is scanned as it is, head and
// tail (detectInjection samples long texts), so one request costs milliseconds, not a parse of
// tens of megabytes.
const MAX_PARSED_BODY_BYTES = 1024 * 1024;
const SAMPLE_BYTES = 64 * 1024;
const JSON_ESCAPE = /\\[nrt"\\/]/g;
const UNESCAPED: Record<string, string> = { '\\n': '\n', '\\r': '\r', '\\t': '\t', '\\"': '"', '\\\\': '\\', '\\/': '/' };

export function injectionToBlock(provider: ProviderId, endpoint: Endpoint, body: Buffer | null): InjectionResult | null {
  if (!endpoint.budgeted || body === null || body.length === 0) return null;
  if (body.length > MAX_PARSED_BODY_BYTES) {
    const head = body.subarray(0, SAMPLE_BYTES).toString('utf8');
    const tail = body.subarray(body.length - SAMPLE_BYTES).toString('utf8');
    // JSON escapes undone, so that an escaped line break does not glue itself to the next word.
    return blocking(detectInjection(`${head}\n${tail}`.replace(JSON_ESCAPE, (e) => UNESCAPED[e] ?? e), 'prompt'));
  }
  const req = parsedRequest(body);
  const prompt = req ? promptOf(provider, req) : null;
  if (prompt === null) return null;
  return blocking(detectInjection(promptText(prompt), 'prompt'));
}

function blocking(found: InjectionResult | null): InjectionResult | null {
  return found && BLOCKED_SEVERITIES.has(found.severity) ? found : null;
}
