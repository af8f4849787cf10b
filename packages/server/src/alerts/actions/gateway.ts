import type { ApplyGatewayActions, GatewayActionOutcome, GatewayCall } from '../../ingest/gateway/actions.ts';
import { errorBody } from '../../ingest/gateway/providers.ts';
import { credentialHash, ResponseCache } from './cache.ts';
import type { ActionEngine, Decision } from './engine.ts';

// F5: the gateway's seam (ingest/gateway/actions.ts) served by the action engine. Per call:
// nothing at all unless the project has an active activation; otherwise the body's model is read,
// decide() is asked, and its answer becomes a refusal in the provider's error format, a cache
// answer, a rewritten body, or a fallback upstream. What applied is added to the recorded call:
// `gateway.action` (kind:action id, comma-separated), `gateway.action_dry_run`, `gateway.cache`.

const JSON_HEADERS = { 'content-type': 'application/json' };

function parseBody(body: Buffer): Record<string, unknown> | null {
  if (body.length === 0) return null;
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null; // the provider answers a malformed body itself
  }
}

function labelsOf(d: Decision): Record<string, string> {
  const metadata: Record<string, string> = {};
  const real = d.applied.filter((a) => !a.dryRun).map((a) => `${a.kind}:${a.actionId}`);
  const dry = d.applied.filter((a) => a.dryRun).map((a) => `${a.kind}:${a.actionId}`);
  if (real.length) metadata['gateway.action'] = real.join(',');
  if (dry.length) metadata['gateway.action_dry_run'] = dry.join(',');
  return metadata;
}

export function gatewayActionsFrom(engine: ActionEngine, now: () => number = Date.now): ApplyGatewayActions {
  return (call: GatewayCall): GatewayActionOutcome | null => {
    if (!engine.hasActive(call.projectId)) return null;
    const parsed = parseBody(call.body);
    const model = typeof parsed?.model === 'string' ? parsed.model : null;
    const nowMs = now();
    const d = engine.decide(
      call.projectId,
      { provider: call.provider, model, user: call.attribution.userId, feature: call.attribution.feature, team: call.attribution.team, path: call.path },
      nowMs,
    );
    if (d.applied.length === 0) return null;
    const metadata = labelsOf(d);

    if (d.block) {
      const body = errorBody(call.provider, 403, d.block.reason, 'blocked_by_action', { activation_id: d.block.activationId });
      return { respond: { status: 403, headers: JSON_HEADERS, body: Buffer.from(body) }, metadata };
    }
    if (d.rateLimited) {
      const body = errorBody(call.provider, 429, d.rateLimited.reason, 'rate_limited_by_action', { activation_id: d.rateLimited.activationId });
      return { respond: { status: 429, headers: { ...JSON_HEADERS, 'retry-after': String(d.rateLimited.retryAfterS) }, body: Buffer.from(body) }, metadata };
    }

    const outcome: GatewayActionOutcome = { metadata };
    let body = call.body;
    if (d.model !== undefined && parsed) {
      body = Buffer.from(JSON.stringify({ ...parsed, model: d.model }));
      outcome.body = body;
    }
    if (d.fallback) outcome.fallback = { baseUrl: d.fallback.baseUrl, onStatus: d.fallback.onStatus };
    // Streamed answers are not cached: a replay would not be a stream the client asked for.
    if (d.cache && call.method === 'POST' && parsed && parsed.stream !== true) {
      const { ttlMs } = d.cache;
      // x-lookout-user is a label the caller sets, not an identity: a per-user entry is also
      // bound to the Lookout key that sent the call, and every entry to the provider credential.
      const keyScope = d.cache.keyScope === '' ? '' : `${d.cache.keyScope}\u0000key:${call.lookoutKeyId ?? ''}`;
      const key = ResponseCache.key({ projectId: call.projectId, credential: credentialHash(call.headers), keyScope, provider: call.provider, path: call.path, body });
      const hit = engine.cache.get(key, nowMs);
      if (hit) {
        metadata['gateway.cache'] = 'hit';
        return { respond: { status: hit.status, headers: { ...hit.headers, 'x-lookout-cache': 'hit' }, body: hit.body }, metadata };
      }
      metadata['gateway.cache'] = 'miss';
      outcome.onResponse = (response) => {
        if (response.status !== 200) return;
        // The body is the upstream's bytes as sent: its encoding goes with it.
        const headers: Record<string, string> = {};
        for (const name of ['content-type', 'content-encoding']) if (response.headers[name]) headers[name] = response.headers[name];
        engine.cache.set(key, { status: 200, headers, body: response.body }, ttlMs, now());
      };
    }
    return outcome;
  };
}
