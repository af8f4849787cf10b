import { useRef, useState, type RefObject } from 'react';
import { apiKey, authConfig, errorText, setApiKey, signIn } from '../api/client.ts';
import { useAsync } from '../hooks.ts';
import { navigate } from '../router.ts';

// The screen a server that refuses this browser (401) shows: what GET /auth/config offers — an
// email and password (local accounts), the identity provider's button (OIDC) — and the API key
// form as before, beside them. An OIDC sign-in that failed comes back as `?signInError=<code>`; the
// page shows its own text for each code, never text from the URL (a link could say anything).

const SIGN_IN_ERRORS: Record<string, string> = {
  not_started: 'The sign-in was not started from this browser, or took too long. Start again.',
  state_mismatch: 'The answer from the identity provider does not belong to this sign-in. Start again.',
  provider_refused: 'The identity provider did not sign you in.',
  provider_failed: 'Signing in with the identity provider failed. Try again; if it keeps failing, ask an administrator.',
  provider_unavailable: 'The identity provider cannot be reached right now. Try again in a moment.',
  no_email: 'The identity provider did not give Lookout an email address for you.',
  email_unverified: 'Your email address is not verified at the identity provider.',
  not_allowed: 'Your account may not sign in to this Lookout: its email domain or groups are not allowed.',
  no_role: 'You have no role in Lookout yet. Ask an administrator to add you to a group that has one.',
  account_disabled: 'Your Lookout account is disabled. Ask an administrator.',
  local_account: 'Your email address belongs to a local Lookout account: sign in with its password.',
  other_identity: 'Your email address belongs to the Lookout account of another identity. Ask an administrator.',
  retry: 'Signing in was interrupted. Start again.',
};

export function signInErrorText(code: string | null): string | null {
  if (code === null) return null;
  return Object.hasOwn(SIGN_IN_ERRORS, code) ? SIGN_IN_ERRORS[code] : 'Signing in did not succeed. Start again, or ask an administrator.';
}

export function SignInScreen() {
  const config = useAsync(authConfig, []);
  const keyInput = useRef<HTMLInputElement>(null);
  // An error the provider's callback sent back (a code, worded here), until a sign-in here answers otherwise.
  const [error, setError] = useState<string | null>(() => signInErrorText(new URLSearchParams(window.location.search).get('signInError')));
  const refused = apiKey() ? 'The key you gave was refused (unknown or revoked). Paste another, or sign in.' : null;

  if (config.loading && !config.data && !config.error) return <div className="state loading">Loading…</div>;
  const offers = config.data;
  const local = offers?.local ?? false;
  const oidc = offers?.oidc ?? null;
  // A server with no sign-in for people: the key form alone, as before.
  if (!local && !oidc) return <KeyPrompt title="Lookout needs an API key" message={refused ?? 'This server requires an API key for reading.'} />;
  return (
    <div className="signin-screen">
      <div className="signin" data-testid="signin">
        <h2>Sign in to Lookout</h2>
        {error && (
          <div className="notice bad" role="alert" data-testid="signin-error">
            {error}
          </div>
        )}
        {local && <PasswordForm onError={setError} />}
        {oidc && (
          <div className="signin-oidc">
            {local && <div className="signin-or muted small">or</div>}
            <button
              type="button"
              className="primary"
              data-testid="signin-oidc"
              onClick={() => {
                // A key left in this tab would win over the session the provider starts.
                forgetKey();
                window.location.assign(`/auth/oidc/login?returnTo=${encodeURIComponent(returnPath())}`);
              }}
            >
              Sign in with {oidc.name}
            </button>
          </div>
        )}
        <p className="small">
          <button
            type="button"
            className="link"
            data-testid="signin-use-key"
            onClick={() => {
              keyInput.current?.scrollIntoView({ block: 'center' });
              keyInput.current?.focus();
            }}
          >
            Use an API key instead
          </button>
        </p>
      </div>
      <KeyPrompt title="Or use an API key" message={refused ?? 'Keys are for scripts and services; a person with a read or admin key may paste it here.'} inputRef={keyInput} secondary />
    </div>
  );
}

function forgetKey(): void {
  try {
    sessionStorage.removeItem('lookout.apiKey');
  } catch {
    // Storage disabled: no key was kept.
  }
}

// Where to come back after the provider: this page, without a previous sign-in error.
export function returnPath(): string {
  const search = new URLSearchParams(window.location.search);
  search.delete('signInError');
  const qs = search.toString();
  return `${window.location.pathname}${qs ? `?${qs}` : ''}`;
}

function PasswordForm(props: { onError: (message: string | null) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="signin-form"
      data-testid="signin-form"
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        props.onError(null);
        signIn(email.trim(), password).then(
          () => {
            setBusy(false);
            forgetKey();
            // A previous provider error is done with; the shell reloads as the person.
            if (new URLSearchParams(window.location.search).has('signInError')) navigate(returnPath(), { replace: true });
            window.dispatchEvent(new Event('lookout:auth'));
          },
          (err: unknown) => {
            setBusy(false);
            props.onError(errorText(err));
          },
        );
      }}
    >
      <label>
        Email
        <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus data-testid="signin-email" />
      </label>
      <label>
        Password
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required data-testid="signin-password" />
      </label>
      <button type="submit" className="primary" disabled={busy || !email.trim() || !password} data-testid="signin-submit">
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

export function KeyPrompt(props: { title: string; message: string; inputRef?: RefObject<HTMLInputElement | null>; secondary?: boolean }) {
  const [key, setKey] = useState('');
  return (
    <div className={`key-prompt${props.secondary ? ' key-prompt-secondary' : ''}`} data-testid="key-prompt">
      {props.secondary ? <h3>{props.title}</h3> : <h2>{props.title}</h2>}
      <p>{props.message}</p>
      <p>
        Create one with <code>npx lookout keys create --scope read</code> (or use the admin key printed when the server first started). It is kept for this
        browser tab only.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) setApiKey(key.trim());
        }}
      >
        <input
          ref={props.inputRef}
          type="password"
          placeholder="lk_…"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-label="API key"
          autoFocus={!props.secondary}
          data-testid="signin-key"
        />
        <button type="submit" data-testid="signin-key-submit">
          Continue
        </button>
      </form>
    </div>
  );
}
