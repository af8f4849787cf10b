// An OpenID Connect provider for the end-to-end tests: `oidc-provider` (a certified OpenID Connect
// server), run as a child process by test/e2e/oidc-provider.ts, which hands it its clients and
// accounts as JSON in OIDC_FIXTURE (see OidcFixtureOptions there). It listens on a free port of
// 127.0.0.1 and prints "oidc-provider listening on <issuer>". People sign in on its built-in
// development login page (any password); consent is given at once, as a company's own
// application would have it. PKCE is required of every client.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const fixture = JSON.parse(process.env.OIDC_FIXTURE ?? '{}');
const accounts = fixture.accounts ?? {};
const SCOPES = 'openid email profile groups';

let handle = (_req, res) => {
  res.statusCode = 503;
  res.end('starting');
};
const server = createServer((req, res) => handle(req, res));

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: fixture.clients ?? [],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    // With the claims in the ID token (off) or only at the userinfo endpoint (on, the default for
    // the authorization code flow).
    conformIdTokenClaims: fixture.conformIdTokenClaims ?? true,
    pkce: { required: () => true },
    cookies: { keys: ['lookout-e2e-oidc-provider-cookie-key'] },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    async findAccount(_ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...account };
        },
      };
    },
    // Consent without a page: the scopes and claims asked for are granted.
    async loadExistingGrant(ctx) {
      const { client, session, provider: p } = ctx.oidc;
      const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
      if (grantId) return p.Grant.find(grantId);
      const grant = new p.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope(SCOPES);
      grant.addOIDCClaims(['email', 'email_verified', 'name', 'groups']);
      await grant.save();
      return grant;
    },
  });
  provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error', err));
  handle = provider.callback();
  console.log(`oidc-provider listening on ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
