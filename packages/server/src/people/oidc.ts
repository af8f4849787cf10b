import type { Logger } from 'pino';
import * as client from 'openid-client';
import type { AuthConfig, OidcConfig } from '../config/auth.ts';
import { LookoutError } from '../errors.ts';
import { claimAt } from './roles.ts';

// E4: Lookout as an OpenID Connect relying party (docs/auth.md): the authorization code flow with
// PKCE (S256), state and nonce, through openid-client, which finds the provider's endpoints and
// keys by discovery and checks the ID token (signature, issuer, audience, expiry, nonce).
//
// Discovery is lazy: a provider that is down when Lookout starts does not stop it; sign-in answers
// 503 naming the reason until the provider answers, each attempt bounded by a timeout, and a
// failed attempt is tried again at the next sign-in (at most one attempt every few seconds).

export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
export const OIDC_LOGIN_PATH = '/auth/oidc/login';
// Every request to the provider (discovery, token, userinfo, keys).
const REQUEST_TIMEOUT_SECONDS = 10;
// After a failed discovery, sign-ins answer with the same failure for this long before the next try.
const RETRY_AFTER_FAILURE_MS = 5_000;
// The provider's metadata is read again after this long (kept if that read fails).
const METADATA_MAX_AGE_MS = 60 * 60_000;

// What the browser's session holds between the redirect to the provider and the callback.
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
}

export interface CompletedSignIn {
  // ID token claims, completed by userinfo when they lack the email address or the groups.
  claims: Record<string, unknown>;
  idToken: string;
}

// The parts of the application an OIDC client needs (the app context has them).
export interface OidcHost {
  config: { auth: AuthConfig };
  logger: Logger;
}

// Plain http is accepted for a provider on this machine only (tests, a provider beside Lookout);
// anywhere else the client secret and tokens would cross the network in clear.
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function reasonOf(error: unknown): string {
  // The provider's own words (an OAuth error answer): its error code and description.
  if (error instanceof client.ResponseBodyError || error instanceof client.AuthorizationResponseError) {
    return `${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

export class OidcClient {
  readonly config: OidcConfig;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  private readonly logger: Logger;
  private readonly customFetch: typeof fetch | undefined;
  private current: { configuration: client.Configuration; atMs: number } | null = null;
  private inflight: Promise<client.Configuration> | null = null;
  private lastFailure: { atMs: number; message: string } | null = null;

  constructor(config: OidcConfig, publicUrl: string, logger: Logger, options: { fetch?: typeof fetch } = {}) {
    this.config = config;
    const base = publicUrl.replace(/\/+$/, '');
    this.redirectUri = `${base}${OIDC_CALLBACK_PATH}`;
    this.postLogoutRedirectUri = `${base}/`;
    this.logger = logger;
    this.customFetch = options.fetch;
  }

  // The provider's configuration, discovered on first use; a LookoutError 503 naming the reason
  // when the provider cannot be read.
  async configuration(): Promise<client.Configuration> {
    const now = Date.now();
    const pausing = this.lastFailure !== null && now - this.lastFailure.atMs < RETRY_AFTER_FAILURE_MS;
    if (this.current && (now - this.current.atMs < METADATA_MAX_AGE_MS || pausing)) return this.current.configuration;
    if (!this.current && pausing) throw this.unavailable(this.lastFailure!.message);
    this.inflight ??= this.discover()
      .then((configuration) => {
        this.current = { configuration, atMs: Date.now() };
        this.lastFailure = null;
        return configuration;
      })
      .catch((error: unknown) => {
        const message = reasonOf(error);
        this.lastFailure = { atMs: Date.now(), message };
        this.logger.warn({ event: 'oidc_discovery_failed', issuer: this.config.issuer, error: message }, 'oidc discovery failed');
        // Metadata read before stays in use while the provider is briefly unreachable.
        if (this.current) return this.current.configuration;
        throw this.unavailable(message);
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  private unavailable(reason: string): LookoutError {
    return new LookoutError('identity_provider_unavailable', `sign-in with ${this.config.name} is unavailable: the identity provider at ${this.config.issuer} could not be reached (${reason}); try again shortly`, {
      retryAfterSeconds: Math.ceil(RETRY_AFTER_FAILURE_MS / 1000),
    });
  }

  private async discover(): Promise<client.Configuration> {
    const issuer = new URL(this.config.issuer);
    const insecure = issuer.protocol === 'http:';
    if (insecure && !isLoopbackUrl(issuer)) throw new Error(`the issuer must be an https:// URL (plain http is accepted for a provider on this machine only)`);
    const secret = this.config.clientSecret;
    const execute = insecure ? [client.allowInsecureRequests] : [];
    const options: client.DiscoveryRequestOptions = { timeout: REQUEST_TIMEOUT_SECONDS, execute, ...(this.customFetch ? { [client.customFetch]: this.customFetch } : {}) };
    const discovered = await client.discovery(issuer, this.config.clientId, secret ?? undefined, secret === null ? client.None() : client.ClientSecretBasic(secret), options);
    const metadata = discovered.serverMetadata();
    if (!metadata.authorization_endpoint || !metadata.token_endpoint) throw new Error('the discovery document has no authorization_endpoint or token_endpoint');
    // client_secret_basic unless the provider lists only client_secret_post.
    const methods = metadata.token_endpoint_auth_methods_supported;
    if (secret === null || !methods || methods.includes('client_secret_basic') || !methods.includes('client_secret_post')) return discovered;
    const configuration = new client.Configuration(metadata, this.config.clientId, secret, client.ClientSecretPost(secret));
    configuration.timeout = REQUEST_TIMEOUT_SECONDS;
    if (this.customFetch) configuration[client.customFetch] = this.customFetch;
    for (const run of execute) run(configuration);
    return configuration;
  }

  // Where to send the browser to sign in, and what its session must keep for the callback.
  async begin(returnTo: string): Promise<{ url: string; pending: PendingSignIn }> {
    const configuration = await this.configuration();
    const pending: PendingSignIn = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), returnTo };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: this.config.scopes.join(' '),
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  // The callback's query (`code`, `state`, `iss`, or `error`): the code exchanged for tokens with
  // the PKCE verifier, the ID token checked (nonce included), and the person's claims. Throws
  // OidcSignInError with a message for the person when the provider refused or the answer does
  // not check out.
  async finish(query: URLSearchParams, pending: PendingSignIn): Promise<CompletedSignIn> {
    const configuration = await this.configuration();
    // The state first: an answer that is not this sign-in's is not read further (not even its error).
    if (query.get('state') !== pending.state) throw new OidcSignInError('state_mismatch', 'the sign-in answer does not belong to this browser session (state mismatch): start again');
    const error = query.get('error');
    if (error !== null) {
      const description = query.get('error_description');
      throw new OidcSignInError('provider_refused', `${this.config.name} did not sign you in: ${error}${description ? ` (${description.slice(0, 300)})` : ''}`);
    }
    const currentUrl = new URL(this.redirectUri);
    for (const [k, v] of query) currentUrl.searchParams.append(k, v);
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (e) {
      this.logger.warn({ event: 'oidc_sign_in_failed', issuer: this.config.issuer, error: reasonOf(e) }, 'oidc code exchange failed');
      throw new OidcSignInError('provider_failed', `signing in with ${this.config.name} failed: ${reasonOf(e).slice(0, 300)}`);
    }
    const idClaims = tokens.claims();
    if (!idClaims || !tokens.id_token) throw new OidcSignInError('provider_failed', `${this.config.name} sent no ID token`);
    let claims: Record<string, unknown> = { ...idClaims };
    const lacking = claims.email === undefined || claimAt(claims, this.config.groupsClaim) === undefined;
    if (lacking && configuration.serverMetadata().userinfo_endpoint && tokens.access_token) {
      try {
        const userinfo = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        // The ID token's claims win where both have one.
        claims = { ...userinfo, ...claims };
      } catch (e) {
        this.logger.warn({ event: 'oidc_userinfo_failed', issuer: this.config.issuer, error: reasonOf(e) }, 'oidc userinfo failed');
        if (claims.email === undefined) throw new OidcSignInError('provider_failed', `${this.config.name}'s userinfo endpoint could not be read: ${reasonOf(e).slice(0, 300)}`);
      }
    }
    return { claims, idToken: tokens.id_token };
  }

  // The provider's RP-initiated logout URL for this ID token, or null when it has none (or cannot
  // be reached now).
  async endSessionUrl(idToken: string | null): Promise<string | null> {
    let configuration: client.Configuration;
    try {
      configuration = await this.configuration();
    } catch {
      return null;
    }
    if (!configuration.serverMetadata().end_session_endpoint) return null;
    const params: Record<string, string> = { post_logout_redirect_uri: this.postLogoutRedirectUri, client_id: this.config.clientId };
    if (idToken) params.id_token_hint = idToken;
    return client.buildEndSessionUrl(configuration, params).href;
  }
}

// Why a sign-in did not go through, as the callback tells the sign-in page (`/?signInError=<code>`):
// the page shows a fixed text for each code, never text taken from the URL. The detailed reason
// goes to the audit log and the server log.
export const SIGN_IN_ERROR_CODES = [
  'not_started', 'state_mismatch', 'provider_refused', 'provider_failed', 'provider_unavailable', 'no_email', 'email_unverified',
  'not_allowed', 'no_role', 'account_disabled', 'local_account', 'other_identity', 'retry',
] as const;
export type SignInErrorCode = (typeof SIGN_IN_ERROR_CODES)[number];

// A sign-in that did not go through: `reason` for the sign-in page, the message for the logs.
export class OidcSignInError extends LookoutError {
  override name = 'OidcSignInError';
  readonly reason: SignInErrorCode;
  constructor(reason: SignInErrorCode, message: string) {
    super('forbidden', message);
    this.reason = reason;
  }
}

// One client per application (its discovered metadata and keys are kept between sign-ins).
const clients = new WeakMap<OidcHost, OidcClient>();

export function oidcClientOf(host: OidcHost): OidcClient | null {
  const { oidc, publicUrl } = host.config.auth;
  if (!oidc || !publicUrl) return null;
  let c = clients.get(host);
  if (!c) {
    c = new OidcClient(oidc, publicUrl, host.logger);
    clients.set(host, c);
  }
  return c;
}

// Where to send the browser after a sign-out so the provider's session ends too: the provider's
// end_session_endpoint with id_token_hint and post_logout_redirect_uri = publicUrl; null without
// OIDC, without an ID token, or when the provider has no such endpoint.
export async function endSessionUrl(host: OidcHost, idToken: string | null): Promise<string | null> {
  if (!idToken) return null;
  return (await oidcClientOf(host)?.endSessionUrl(idToken)) ?? null;
}
