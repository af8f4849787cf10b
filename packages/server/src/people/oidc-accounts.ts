import { LookoutError } from '../errors.ts';
import type { Membership, PeopleStore, User, UserWithSecret } from '../store/people.ts';
import type { SignInErrorCode } from './oidc.ts';

export interface AccountRefusal {
  code: SignInErrorCode;
  reason: string;
}

// E4: the Lookout account of a person signing in with the OpenID Connect provider. An account is
// the provider's identity (issuer, subject), kept at its first sign-in; its email finds it. A
// later sign-in with the same email but another subject is refused: an address that moved to
// someone else (or one a provider lets people set themselves) does not open the account of the
// person who had it. Accounts made before the identity was kept take it at their next sign-in.

export interface OidcSignInIdentity {
  email: string;
  name: string | null;
  issuer: string;
  subject: string;
}

// Why the account is not the person's to use; null when it is.
function refusalFor(user: UserWithSecret, who: OidcSignInIdentity, providerName: string): AccountRefusal | null {
  if (user.disabledAt !== null) return { code: 'account_disabled', reason: `the Lookout account of ${who.email} is disabled: ask an administrator` };
  if (user.source !== 'oidc') {
    return { code: 'local_account', reason: `${who.email} is a local Lookout account: sign in with its password (an administrator can remove it so that the identity provider's account is used)` };
  }
  if (user.oidcSubject !== null && (user.oidcSubject !== who.subject || user.oidcIssuer !== who.issuer)) {
    return { code: 'other_identity', reason: `the Lookout account of ${who.email} belongs to another ${providerName} identity: if the address now belongs to someone else, an administrator must delete the old account first (lookout users remove --entirely)` };
  }
  return null;
}

// The person's account: created at the first sign-in, its name and roles brought up to date at
// each one; or the reason they may not use it.
export async function accountForSignIn(people: PeopleStore, who: OidcSignInIdentity, memberships: Membership[], providerName: string): Promise<User | AccountRefusal> {
  const update = async (user: UserWithSecret): Promise<User | AccountRefusal> => {
    const refusal = refusalFor(user, who, providerName);
    if (refusal !== null) return refusal;
    const adopt = user.oidcSubject === null ? { oidcIdentity: { issuer: who.issuer, subject: who.subject } } : {};
    const updated = await people.updateUser(user.id, { name: who.name, memberships, ...adopt });
    return updated ?? { code: 'retry', reason: `the Lookout account of ${who.email} was removed while signing in: try again` };
  };
  const existing = await people.findUserByEmail(who.email);
  if (existing) return update(existing);
  try {
    return await people.createUser({ email: who.email, name: who.name, source: 'oidc', passwordHash: null, memberships, oidcIssuer: who.issuer, oidcSubject: who.subject });
  } catch (e) {
    // Two sign-ins of the same new person at once: the other one created the account.
    if (e instanceof LookoutError && e.code === 'conflict') {
      const raced = await people.findUserByEmail(who.email);
      if (raced) return update(raced);
    }
    throw e;
  }
}
