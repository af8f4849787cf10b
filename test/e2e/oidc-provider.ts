import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ManagedProcess, repoRoot } from './harness.ts';

// A real OpenID Connect provider for the tests: `oidc-provider` in a child process
// (oidc-provider-process.mjs, run with this Node), on a free port of 127.0.0.1, with one client for
// Lookout and the people below. Its login page is oidc-provider's development form: the login is
// the account id (the email address), any password.

export interface OidcAccount {
  email: string;
  email_verified: boolean;
  name: string;
  groups: string[];
}

export const OIDC_ACCOUNTS: Record<string, OidcAccount> = {
  'admin@acme.test': { email: 'admin@acme.test', email_verified: true, name: 'Ada Admin', groups: ['lookout-admins'] },
  'viewer@acme.test': { email: 'viewer@acme.test', email_verified: true, name: 'Vic Viewer', groups: ['lookout-viewers'] },
  'outsider@other.test': { email: 'outsider@other.test', email_verified: true, name: 'Otto Outsider', groups: ['lookout-admins'] },
};

export const OIDC_CLIENT_ID = 'lookout-e2e';
export const OIDC_CLIENT_SECRET = 'lookout-e2e-client-secret-0123456789';

export interface OidcProviderOptions {
  // Lookout's public URL: the client's redirect URI is <publicUrl>/auth/oidc/callback.
  publicUrl: string;
  // true: the ID token carries email, name and groups; false (oidc-provider's default for the code
  // flow): only the userinfo endpoint does.
  claimsInIdToken?: boolean;
}

export interface OidcProvider {
  readonly issuer: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

export async function startOidcProvider(options: OidcProviderOptions): Promise<OidcProvider> {
  const base = options.publicUrl.replace(/\/+$/, '');
  const fixture = {
    conformIdTokenClaims: !(options.claimsInIdToken ?? false),
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        redirect_uris: [`${base}/auth/oidc/callback`],
        post_logout_redirect_uris: [`${base}/`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    accounts: OIDC_ACCOUNTS,
  };
  const managed = new ManagedProcess('oidc-provider', process.execPath, [join(repoRoot, 'test', 'e2e', 'oidc-provider-process.mjs')], {
    env: { ...process.env, OIDC_FIXTURE: JSON.stringify(fixture), NODE_ENV: 'test' },
  });
  try {
    const match = await managed.waitForStdout(/oidc-provider listening on (http:\/\/127\.0\.0\.1:\d+)/, START_TIMEOUT_MS);
    return {
      issuer: match[1],
      process: managed,
      stop: async () => {
        await managed.stop();
      },
    };
  } catch (error) {
    await managed.kill();
    throw error;
  }
}

// Writes <configDir>/lookout.json for a Lookout that requires keys and signs people in through the
// provider at `issuer`: only addresses at acme.test, the provider's groups mapped to a role in
// every project. Returns the file's path (for LOOKOUT_CONFIG).
export async function writeLookoutOidcConfig(configDir: string, options: { publicUrl: string; issuer: string }): Promise<string> {
  const configFile = join(configDir, 'lookout.json');
  await writeFile(
    configFile,
    JSON.stringify({
      requireApiKeys: 'always',
      auth: {
        publicUrl: options.publicUrl,
        oidc: {
          issuer: options.issuer,
          clientId: OIDC_CLIENT_ID,
          clientSecret: OIDC_CLIENT_SECRET,
          name: 'Acme SSO',
          scopes: ['openid', 'email', 'profile', 'groups'],
          allowedEmailDomains: ['acme.test'],
          roles: [
            { group: 'lookout-admins', project: '*', role: 'admin' },
            { group: 'lookout-viewers', project: '*', role: 'viewer' },
          ],
        },
      },
    }),
  );
  return configFile;
}
