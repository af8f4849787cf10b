import type { GatewayAttribution } from './headers.ts';
import type { ProviderId } from './providers.ts';

// F5: the seam for automated responses. The gateway calls `ctx.gatewayActions(call)` once per
// request, after the budget check and before forwarding; without an actions module it is
// `passThrough` and nothing changes. An actions module may:
//   - rewrite the call (a cheaper model: return a new `body`; another upstream base URL: `baseUrl`;
//     a second upstream on errors: `fallback`),
//   - answer it itself (a block, a rate limit, a cache hit: return `respond`), or
//   - watch the outcome (`onResponse`, called off the response path with the full response of
//     a non-streamed call, e.g. to fill a cache).
// Whatever it returns, the call is recorded as usual; `metadata` is added to the recorded span
// (for example `{ "gateway.action": "model_switch:rule-7" }` or `{ "gateway.cache": "hit" }`).

export interface GatewayCall {
  provider: ProviderId;
  projectId: string;
  method: string;
  // The path after the provider's prefix, normalised (one spelling: no '.', '..' or empty
  // segments, unreserved characters decoded), with the query: "chat/completions", "messages?beta=true".
  path: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  // The request body as received; parse it only when acting on it.
  body: Buffer;
  attribution: Readonly<GatewayAttribution>;
  // The id of the Lookout key that authenticated the call; null on a keyless loopback server.
  lookoutKeyId?: string | null;
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface GatewayActionOutcome {
  body?: Buffer; // replaces the request body sent upstream (recorded span keeps the request model of the new body)
  baseUrl?: string; // another upstream for this call, an http(s) base URL as in the config
  // Send the call once more to this base URL when the upstream answers one of these statuses
  // (or cannot be reached: status 0). The first answer is discarded unseen by the client.
  fallback?: { baseUrl: string; onStatus: number[] };
  respond?: GatewayResponse; // answer without calling the upstream
  metadata?: Record<string, string>;
  onResponse?: (response: GatewayResponse) => void;
}

export type ApplyGatewayActions = (call: GatewayCall) => GatewayActionOutcome | null | Promise<GatewayActionOutcome | null>;

export const passThrough: ApplyGatewayActions = () => null;
