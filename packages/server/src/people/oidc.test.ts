import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { authConfigSchema } from '../config/auth.ts';
import { endSessionUrl, OidcClient, OidcSignInError } from './oidc.ts';

// What Lookout sends the provider, seen from a provider's side: a small HTTP server with a
// discovery document and a token endpoint that records each request and refuses it (the whole
// flow against a real provider is test/e2e/oidc.test.ts).

interface Recorded {
  headers: IncomingMessage['headers'];
  body: URLSearchParams;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function provider(metadata: Record<string, unknown> = {}): Promise<{ issuer: string; tokenRequests: Recorded[] }> {
  const tokenRequests: Recorded[] = [];
  let issuer = '';
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'], ...metadata }));
      } else if (req.url === '/token') {
        tokenRequests.push({ headers: req.headers, body: new URLSearchParams(Buffer.concat(chunks).toString()) });
        res.statusCode = 400;
        res.end(JSON.stringify({ error: 'invalid_grant', error_description: 'the code was made up' }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return { issuer, tokenRequests };
}

function client(issuer: string, clientSecret: string | null): OidcClient {
  const auth = authConfigSchema.parse({ publicUrl: 'https://lookout.example.com/', oidc: { issuer, clientId: 'lookout', clientSecret, name: 'Acme SSO' } });
  return new OidcClient(auth.oidc!, auth.publicUrl!, pino({ level: 'silent' }));
}

// Through the authorization request to the code exchange, which the test provider refuses.
async function exchange(c: OidcClient): Promise<{ challenge: string; error: unknown }> {
  const { url, pending } = await c.begin('/');
  const auth = new URL(url);
  const query = new URLSearchParams({ code: 'the-code', state: auth.searchParams.get('state')! });
  const error = await c.finish(query, pending).then(
    () => null,
    (e: unknown) => e,
  );
  return { challenge: auth.searchParams.get('code_challenge')!, error };
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

describe('the OpenID Connect client', () => {
  it("sends the code with the PKCE verifier of the authorization request's challenge, authenticating with client_secret_basic", async () => {
    const p = await provider({ token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'] });
    const { challenge, error } = await exchange(client(p.issuer, 's3cret'));
    expect(error).toBeInstanceOf(OidcSignInError);
    expect((error as Error).message).toBe('signing in with Acme SSO failed: invalid_grant (the code was made up)');
    expect(p.tokenRequests).toHaveLength(1);
    const { headers, body } = p.tokenRequests[0];
    expect(headers.authorization).toBe(`Basic ${Buffer.from('lookout:s3cret').toString('base64')}`);
    expect(Object.fromEntries(body)).toMatchObject({ grant_type: 'authorization_code', code: 'the-code', redirect_uri: 'https://lookout.example.com/auth/oidc/callback' });
    expect(body.has('client_secret')).toBe(false);
    expect(s256(body.get('code_verifier')!)).toBe(challenge);
  });

  it('uses client_secret_post when that is all the provider offers, and no secret at all as a public client', async () => {
    const post = await provider({ token_endpoint_auth_methods_supported: ['client_secret_post'] });
    await exchange(client(post.issuer, 's3cret'));
    expect(post.tokenRequests[0].headers.authorization).toBeUndefined();
    expect(Object.fromEntries(post.tokenRequests[0].body)).toMatchObject({ client_id: 'lookout', client_secret: 's3cret' });
    await new Promise<void>((resolve) => server!.close(() => resolve()));

    const pub = await provider({ token_endpoint_auth_methods_supported: ['none', 'client_secret_basic'] });
    const { challenge } = await exchange(client(pub.issuer, null));
    const sent = pub.tokenRequests[0];
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body.get('client_id')).toBe('lookout');
    expect(sent.body.has('client_secret')).toBe(false);
    expect(s256(sent.body.get('code_verifier')!)).toBe(challenge);
  });

  it("refuses a provider's error answer and a foreign state before any code exchange", async () => {
    const p = await provider();
    const c = client(p.issuer, 's3cret');
    const { pending } = await c.begin('/');
    await expect(c.finish(new URLSearchParams({ error: 'access_denied', error_description: 'End-User aborted interaction', state: pending.state }), pending)).rejects.toThrow(
      'Acme SSO did not sign you in: access_denied (End-User aborted interaction)',
    );
    await expect(c.finish(new URLSearchParams({ code: 'x', state: 'another' }), pending)).rejects.toThrow('state mismatch');
    expect(p.tokenRequests).toHaveLength(0);
  });

  it("builds the provider's logout URL when it has an end_session_endpoint, and none otherwise", async () => {
    const p = await provider({ end_session_endpoint: 'http://127.0.0.1:1/logout' });
    const url = new URL((await client(p.issuer, 's3cret').endSessionUrl('the.id.token'))!);
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:1/logout');
    expect(Object.fromEntries(url.searchParams)).toEqual({ id_token_hint: 'the.id.token', post_logout_redirect_uri: 'https://lookout.example.com/', client_id: 'lookout' });
    await new Promise<void>((resolve) => server!.close(() => resolve()));

    const none = await provider();
    expect(await client(none.issuer, 's3cret').endSessionUrl('the.id.token')).toBeNull();
    const noOidc = { config: { auth: authConfigSchema.parse({}) }, logger: pino({ level: 'silent' }) };
    expect(await endSessionUrl(noOidc, 'the.id.token')).toBeNull();
  });
});
