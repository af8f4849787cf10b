import { afterEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../testing/app.ts';
import { projectId } from '../store/store.ts';
import { accountForSignIn } from './oidc-accounts.ts';

// E4: an OpenID Connect account is the provider's identity (issuer, subject), not only an email.

let t: TestApp | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

const ISSUER = 'https://idp.example.com';
const roles = [{ projectId: projectId('default'), role: 'viewer' as const }];

describe('accountForSignIn', () => {
  it('keeps the issuer and subject at the first sign-in, and refuses the address to another subject', async () => {
    t = await makeTestApp({});
    const people = t.ctx.store.people;
    const first = await accountForSignIn(people, { email: 'ann@acme.test', name: 'Ann', issuer: ISSUER, subject: 'sub-ann' }, roles, 'Acme SSO');
    if ('code' in first) throw new Error(first.reason);
    expect(await people.getUser(first.id)).toMatchObject({ source: 'oidc', oidcIssuer: ISSUER, oidcSubject: 'sub-ann' });
    const again = await accountForSignIn(people, { email: 'ann@acme.test', name: 'Ann B', issuer: ISSUER, subject: 'sub-ann' }, roles, 'Acme SSO');
    expect(again).toMatchObject({ id: first.id, name: 'Ann B' });
    // Someone else whose email claim says ann@acme.test (another subject, or another issuer).
    const other = await accountForSignIn(people, { email: 'ann@acme.test', name: 'Mallory', issuer: ISSUER, subject: 'sub-mallory' }, roles, 'Acme SSO');
    expect(other).toMatchObject({ code: 'other_identity', reason: expect.stringMatching(/belongs to another Acme SSO identity/) });
    expect(await accountForSignIn(people, { email: 'ann@acme.test', name: 'x', issuer: 'https://other.example.com', subject: 'sub-ann' }, roles, 'Acme SSO')).toMatchObject({ code: 'other_identity' });
    expect((await people.getUser(first.id))?.name).toBe('Ann B');
  });

  it('gives an account made before identities were kept the subject of its next sign-in; a local account is not taken over', async () => {
    t = await makeTestApp({});
    const people = t.ctx.store.people;
    const old = await people.createUser({ email: 'old@acme.test', name: null, source: 'oidc', passwordHash: null, memberships: roles });
    expect(await accountForSignIn(people, { email: 'old@acme.test', name: null, issuer: ISSUER, subject: 's1' }, roles, 'Acme SSO')).toMatchObject({ id: old.id, oidcSubject: 's1' });
    expect(await accountForSignIn(people, { email: 'old@acme.test', name: null, issuer: ISSUER, subject: 's2' }, roles, 'Acme SSO')).toMatchObject({ code: 'other_identity' });
    await people.createUser({ email: 'loc@acme.test', name: null, source: 'local', passwordHash: 'scrypt$x', memberships: roles });
    expect(await accountForSignIn(people, { email: 'loc@acme.test', name: null, issuer: ISSUER, subject: 's3' }, roles, 'Acme SSO')).toMatchObject({ code: 'local_account' });
  });
});
