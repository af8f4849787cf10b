import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { LRUCache } from 'lru-cache';
import type { FastifyRequest } from 'fastify';
import { isLoopback, keysRequired, type LookoutConfig } from '../config/config.ts';
import { GATEWAY_PREFIX } from '../ingest/gateway/route.ts';
import { DEFAULT_PROJECT, type ApiKeyInfo } from '../store/store.ts';
import { isLookoutKey } from '../store/api-keys.ts';
import type { AppContext, RequestAuth } from './context.ts';
import { LookoutError } from '../errors.ts';

// Who a request is, and whether a browser may have been tricked into sending it. Shared by the
// HTTP hook (app.ts) and OTLP/gRPC (ingest/otlp/grpc.ts).

const KEY_CACHE_TTL_MS = 30_000;
const KEY_CACHE_MAX_ENTRIES = 1_000;
// Unknown keys are remembered briefly and apart from valid ones, so that a flood of made-up keys
// neither evicts the keys in use nor grows memory.
const UNKNOWN_KEY_CACHE_TTL_MS = 5_000;
const UNKNOWN_KEY_CACHE_MAX_ENTRIES = 1_000;

// Headers a reverse proxy or load balancer adds. Their presence means the socket's peer is not
// the client, so the peer's address says nothing about who is asking.
export const FORWARDING_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'x-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-cluster-client-ip',
  'x-original-forwarded-for',
  'via',
] as const;

// Methods a browser may send cross-site without asking first, or that change state.
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface Peer {
  // The socket's remote address; undefined when unknown.
  address: string | undefined;
  // A forwarding header came with the request.
  forwarded: boolean;
}

// `basicSecret`: the key is the secret of a Langfuse SDK's Basic pair (basicSecret).
export type AuthResolver = (key: string | null, peer: Peer, sent?: { basicSecret?: boolean }) => Promise<RequestAuth>;

// The key of "Authorization: Bearer <key>", or null.
export function bearerToken(header: unknown): string | null {
  if (typeof header !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

// The Langfuse-compatible endpoints' prefix: their SDKs authenticate with HTTP Basic.
export const LANGFUSE_PREFIX = '/api/public/';

// The secret of "Authorization: Basic base64(publicKey:secretKey)", as the Langfuse SDKs send
// it: the secret is a Lookout key, the public key is not checked. Null when absent or malformed.
export function basicSecret(header: unknown): string | null {
  if (typeof header !== 'string' || header.length > 4096) return null;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const secret = colon < 0 ? '' : decoded.slice(colon + 1);
  return secret && !/\s/.test(secret) ? secret : null;
}

// Whether the request's key is the secret of a Langfuse SDK's Basic pair.
export function keyFromBasic(request: FastifyRequest): boolean {
  return request.url.startsWith(LANGFUSE_PREFIX) && bearerToken(request.headers.authorization) === null && basicSecret(request.headers.authorization) !== null;
}

export function bearerKey(request: FastifyRequest): string | null {
  // On the gateway, Authorization carries the provider's key: Lookout's comes in x-lookout-key.
  if (request.url.startsWith(GATEWAY_PREFIX)) {
    const gatewayKey = request.headers['x-lookout-key'];
    return typeof gatewayKey === 'string' && gatewayKey ? gatewayKey : null;
  }
  const key = bearerToken(request.headers.authorization);
  if (key !== null) return key;
  if (request.url.startsWith(LANGFUSE_PREFIX)) {
    const secret = basicSecret(request.headers.authorization);
    if (secret !== null) return secret;
  }
  const alt = request.headers['x-lookout-key'];
  return typeof alt === 'string' && alt ? alt : null;
}

// Where a refusal happened, for server/refusals.ts: whether a key came with the request, and
// the project it was refused for (request.auth is unset when the key itself was refused).
export function refusalSiteOf(request: FastifyRequest): { keySent: boolean; projectId: string | null; route: string } {
  return { keySent: bearerKey(request) !== null, projectId: (request.auth as RequestAuth | undefined)?.projectId ?? null, route: request.routeOptions.url ?? 'unmatched' };
}

export function hasForwardingHeader(headers: (name: string) => unknown): boolean {
  return FORWARDING_HEADERS.some((name) => {
    const value = headers(name);
    return value !== undefined && !(Array.isArray(value) && value.length === 0);
  });
}

export function peerOfRequest(request: FastifyRequest): Peer {
  return { address: request.socket?.remoteAddress, forwarded: hasForwardingHeader((name) => request.headers[name]) };
}

// grpc-js gives the peer as "address:port" with an unbracketed IPv6 address ("::1:50123").
export function addressOfGrpcPeer(peer: string): string | undefined {
  const withoutPort = peer.replace(/:\d+$/, '');
  if (withoutPort !== peer && isIP(withoutPort) !== 0) return withoutPort;
  return isIP(peer) !== 0 ? peer : undefined;
}

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

// A map that forgets its least recently used entry when full and any entry older than its TTL
// (counted from when it was set). `lru-cache`: a Map evicting its first key walks the holes its
// deletions left, which a stream of unknown keys would make costly.
class ExpiringLru<V extends {}> {
  private readonly entries: LRUCache<string, V>; // ages counted with Date.now(), to the millisecond
  constructor(maxEntries: number, ttlMs: number) {
    this.entries = new LRUCache<string, V>({ max: maxEntries, ttl: ttlMs, ttlResolution: 0, perf: Date });
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    this.entries.set(key, value);
  }

  deleteWhere(predicate: (value: V) => boolean): void {
    for (const [key, value] of this.entries.entries()) if (predicate(value)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

// Resolved keys, one cache per server (HTTP and gRPC share it), so that a revocation on this
// node takes effect at once on both.
export class KeyCache {
  private readonly known = new ExpiringLru<ApiKeyInfo>(KEY_CACHE_MAX_ENTRIES, KEY_CACHE_TTL_MS);
  private readonly unknown = new ExpiringLru<true>(UNKNOWN_KEY_CACHE_MAX_ENTRIES, UNKNOWN_KEY_CACHE_TTL_MS);
  private revocations = 0;

  async resolve(key: string, lookUp: (key: string) => Promise<ApiKeyInfo | null>): Promise<ApiKeyInfo | null> {
    const hashed = hashKey(key);
    const known = this.known.get(hashed);
    if (known) return known;
    if (this.unknown.get(hashed)) return null;
    const revocationsBefore = this.revocations;
    const info = await lookUp(key);
    // A revocation during the lookup may have come after the store answered.
    if (info && this.revocations === revocationsBefore) this.known.set(hashed, info);
    else this.unknown.set(hashed, true);
    return info;
  }

  forget(keyId: string): void {
    this.revocations++;
    this.known.deleteWhere((info) => info.id === keyId);
  }

  // Every key of a deleted project.
  forgetProject(projectId: string): void {
    this.revocations++;
    this.known.deleteWhere((info) => info.projectId === projectId);
  }

  get knownSize(): number {
    return this.known.size;
  }
}

const keyCaches = new WeakMap<AppContext, KeyCache>();

export function keyCacheOf(ctx: AppContext): KeyCache {
  let cache = keyCaches.get(ctx);
  if (!cache) {
    cache = new KeyCache();
    keyCaches.set(ctx, cache);
  }
  return cache;
}

// Without a key: the operator, when keys are not required and the request comes straight from
// this machine ('auto'), or from anyone who can reach the port ('never'). With one: its project
// and scope. Throws LookoutError unauthorized.
export function createAuthResolver(ctx: AppContext): AuthResolver {
  const requireKeys = keysRequired(ctx.config);
  const trustAnyPeer = ctx.config.requireApiKeys === 'never';
  const cache = keyCacheOf(ctx);
  return async (sentKey, peer, sent = {}) => {
    // The Langfuse SDKs will not start without a key pair, so while keys are not required a
    // pair's secret that is not a Lookout key is a placeholder, taken as no key. A Lookout key is
    // checked however it comes (a revoked one is refused, as with Bearer).
    const key = sent.basicSecret && !requireKeys && sentKey !== null && !isLookoutKey(sentKey) ? null : sentKey;
    if (key === null) {
      if (requireKeys) {
        throw new LookoutError('unauthorized', 'an API key is required: send "Authorization: Bearer <key>" (create one with `lookout keys create --project <id>`)');
      }
      if (!trustAnyPeer && (peer.forwarded || peer.address === undefined || !isLoopback(peer.address))) {
        throw new LookoutError(
          'unauthorized',
          peer.forwarded
            ? 'this request came through a proxy, so it may come from anywhere: send "Authorization: Bearer <key>"; behind a reverse proxy set server.trustProxy (LOOKOUT_TRUST_PROXY=true), which requires keys from everyone'
            : 'only requests from this machine may omit the API key: send "Authorization: Bearer <key>"',
        );
      }
      return { projectId: DEFAULT_PROJECT, scope: 'admin', keyId: null, actor: { kind: 'local' } };
    }
    const info = await cache.resolve(key, (k) => ctx.store.resolveApiKey(k));
    if (!info) throw new LookoutError('unauthorized', 'the API key is not valid or has been revoked');
    return { projectId: info.projectId, scope: info.scope, keyId: info.id, actor: { kind: 'key', keyId: info.id } };
  };
}

// --- browser attacks -------------------------------------------------------------------------

function hostHeaderParts(host: string): { name: string; port: string } {
  const lower = host.trim().toLowerCase();
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(lower);
  return m ? { name: m[1], port: m[2] ?? '' } : { name: lower, port: '' };
}

// DNS rebinding: a page on attacker.example whose name comes to resolve to 127.0.0.1 talks to
// this server with "Host: attacker.example". While keys are not required, only loopback names
// and the configured ones are answered; with keys, the list applies only when it is set.
export function createHostGuard(config: LookoutConfig): (host: string | undefined) => void {
  const allowed = config.server.allowedHosts;
  const keyless = !keysRequired(config);
  if (!keyless && allowed.length === 0) return () => {};
  const exact = new Set(allowed.filter((h) => hostHeaderParts(h).port !== ''));
  const anyPort = new Set(allowed.filter((h) => hostHeaderParts(h).port === ''));
  return (host) => {
    // HTTP/1.0 without a Host: no browser sends that, so no rebinding either.
    if (host === undefined || host === '') return;
    const { name, port } = hostHeaderParts(host);
    // Rebinding needs a name the attacker controls; an address literal names the server itself
    // (health checks and scrapers by pod or host address).
    if (isLoopback(name) || isIP(name.replace(/^\[|\]$/g, '')) !== 0) return;
    if (anyPort.has(name) || exact.has(port ? `${name}:${port}` : name)) return;
    const answered = `localhost, IP addresses${allowed.length ? ` and ${allowed.join(', ')}` : ''}`;
    // Without keys, a foreign name usually means a proxy or tunnel in front of this server, and
    // listing the name would make whoever reaches it the admin: the way out is keys.
    throw new LookoutError(
      'host_not_allowed',
      keyless
        ? `this server does not answer for host '${name.slice(0, 255)}': without API keys it answers only for ${answered}. ` +
            'A server reached through a proxy or tunnel must require keys, or everyone who reaches it is its admin: behind an HTTP reverse proxy set server.trustProxy (LOOKOUT_TRUST_PROXY=true); ' +
            'behind a TCP tunnel or proxy (stunnel, nginx stream, HAProxy mode tcp, ssh -R, kubectl port-forward) set requireApiKeys: always (LOOKOUT_REQUIRE_API_KEYS=always). ' +
            'server.allowedHosts is only for names of this machine that no one else can reach'
        : `this server does not answer for host '${name.slice(0, 255)}': it answers for ${answered}; add the name to server.allowedHosts (LOOKOUT_ALLOWED_HOSTS) to reach it by that name`,
    );
  };
}

// Names in server.allowedHosts while keys are not required: a TCP tunnel or proxy on this
// machine adds no forwarding header, so whoever reaches the port through it under such a name
// is taken for the local operator. Said once at start; null when it does not apply.
export function keylessAllowedHostsWarning(config: LookoutConfig): string | null {
  if (config.server.allowedHosts.length === 0 || keysRequired(config)) return null;
  return (
    `server.allowedHosts (${config.server.allowedHosts.join(', ')}) is set while API keys are not required: a request under these names that reaches this port through ` +
    'a TCP tunnel or proxy (stunnel, nginx stream, HAProxy mode tcp, ssh -R, kubectl port-forward) carries no forwarding header, looks local and is served as the admin. ' +
    'List only names of this machine that no one else can reach; if it is reached through a proxy or tunnel, set requireApiKeys: always (or server.trustProxy behind an HTTP reverse proxy)'
  );
}

const DEFAULT_PORTS: Record<string, string> = { 'http:': '80', 'https:': '443' };

function sameOrigin(origin: URL, host: string): boolean {
  const { name, port } = hostHeaderParts(host);
  const originPort = origin.port || DEFAULT_PORTS[origin.protocol] || '';
  return origin.hostname === name && (port === '' ? originPort === DEFAULT_PORTS[origin.protocol] : port === originPort);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  return one?.split(',')[0]?.trim() || undefined;
}

// Cross-site writes: a page elsewhere can make the browser send a body-less or form POST with
// no preflight. Browsers say where such a request comes from (Origin, Sec-Fetch-Site); anything
// not from this server's own pages or a configured origin is refused. Clients that are not
// browsers (CLI, curl, SDKs, collectors) send neither header and are not affected.
export function createOriginGuard(config: LookoutConfig): (request: FastifyRequest) => void {
  const allowed = new Set(config.server.allowedOrigins);
  const trustProxy = config.server.trustProxy;
  const refuse = (from: string) =>
    new LookoutError(
      'cross_site_request',
      `a ${from} page may not change anything on this server; add its origin to server.allowedOrigins (LOOKOUT_ALLOWED_ORIGINS) if it should`,
    );
  return (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    const origin = firstHeader(request.headers.origin);
    if (origin !== undefined) {
      if (allowed.has(origin)) return;
      let url: URL | null = null;
      try {
        url = origin === 'null' ? null : new URL(origin);
      } catch {
        url = null;
      }
      const hosts = [request.headers.host, trustProxy ? firstHeader(request.headers['x-forwarded-host']) : undefined];
      if (url && hosts.some((h) => h !== undefined && sameOrigin(url, h))) return;
      throw refuse(`cross-origin (${origin.slice(0, 255)})`);
    }
    const site = firstHeader(request.headers['sec-fetch-site']);
    if (site === 'cross-site' || site === 'same-site') throw refuse(site);
  };
}

// /metrics covers every project: with metrics.requireKey, only the instance's operator (a read
// or admin key of the default project, or a keyless request where keys are not required).
export function requireMetricsReader(auth: RequestAuth): void {
  if (auth.projectId !== DEFAULT_PROJECT || auth.scope === 'ingest') {
    throw new LookoutError('forbidden', `/metrics covers every project: use a read or admin key of project '${DEFAULT_PROJECT}' (metrics.requireKey is on)`);
  }
}
