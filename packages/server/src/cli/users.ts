import { Option, type Command } from 'commander';
import type { Answer } from '@lookout/client';
import { ROLES, type Role } from '../config/auth.ts';
import { recordLocalChange } from '../audit/local.ts';
import { generatePassword, hashPassword, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS } from '../people/passwords.ts';
import { PROJECT_ID_PATTERN } from '../server/routes/admin.ts';
import type { Membership, Store, User } from '../store/store.ts';
import { answer, apiClient, CliError, type ApiTarget } from './http.ts';

// `lookout users add|list|set-role|disable|enable|remove`: people and their roles per project
// (docs/auth.md). Through a running server (an admin key of the project, or the operator's), or,
// with no server running, on the data directory directly (the embedded store has one writer).

type ApiUser = Answer<'/api/v1/users', 'get'>['users'][number];

// Runs `viaApi` against a running server, or `viaStore` on the opened store when none answers.
export type ServerOrStore = <T>(target: ApiTarget, dataDir: string | undefined, viaApi: () => Promise<T>, viaStore: (store: Store) => Promise<T>) => Promise<T>;

export interface UsersTarget extends ApiTarget {
  dataDir?: string;
}

const MAX_EMAIL_CHARS = 320;

function checkProject(project: string): string {
  if (!PROJECT_ID_PATTERN.test(project)) throw new CliError(`--project '${project}': use 1-63 characters of a-z, 0-9, _ and -`);
  return project;
}

function checkEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (e.length > MAX_EMAIL_CHARS || !/^[^\s@]+@[^\s@]+$/.test(e)) throw new CliError(`--email '${email.slice(0, 64)}': give an email address such as ada@example.com (at most ${MAX_EMAIL_CHARS} characters)`);
  return e;
}

function checkRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new CliError(`--role '${role}': use one of ${ROLES.join(', ')}`);
  return role as Role;
}

export function checkPassword(text: string): string {
  // One line from stdin: the newline that ends it is not part of the password.
  const password = text.replace(/\r?\n$/, '');
  if (password.length < MIN_PASSWORD_CHARS || password.length > MAX_PASSWORD_CHARS) {
    throw new CliError(`the password from stdin must be ${MIN_PASSWORD_CHARS}-${MAX_PASSWORD_CHARS} characters`);
  }
  return password;
}

// Run on the data directory itself: the operator's view, every account editable.
function storeUserAnswer(u: User): ApiUser {
  return { id: u.id, email: u.email, name: u.name, source: u.source, memberships: u.memberships.map((m) => ({ projectId: m.projectId, role: m.role })), createdAt: u.createdAt, lastSignInAt: u.lastSignInAt, disabled: u.disabledAt !== null, accountEditable: true };
}

const asProject = (project: string) => project as Membership['projectId'];
const roleIn = (memberships: Membership[], project: string): Role | null => memberships.find((m) => m.projectId === project)?.role ?? null;

function withRole(memberships: Membership[], project: string, role: Role | null): Membership[] {
  const others = memberships.filter((m) => m.projectId !== project);
  return role === null ? others : [...others, { projectId: asProject(project), role }];
}

export function describeUser(u: ApiUser, project?: string): string {
  const roles = project ? (u.memberships.find((m) => m.projectId === project)?.role ?? '-') : u.memberships.map((m) => `${m.projectId}:${m.role}`).join(',') || '-';
  return [u.id, u.email, u.name ?? '', u.source, roles, u.disabled ? 'disabled' : 'active', u.lastSignInAt ?? 'never'].join('\t');
}

export interface AddUserOptions extends UsersTarget {
  email: string;
  role: string;
  project: string;
  name?: string;
  // The password, read from stdin with --password-stdin; none: a one-time password is made.
  password?: string;
}

export interface AddedUser {
  user: ApiUser;
  // The one-time password made for a new account; null when one was given or the account existed.
  password: string | null;
  created: boolean;
}

export async function addUser(opts: AddUserOptions, via: ServerOrStore): Promise<AddedUser> {
  const email = checkEmail(opts.email);
  const role = checkRole(opts.role);
  const project = checkProject(opts.project);
  return via<AddedUser>(
    opts,
    opts.dataDir,
    async () => {
      const r = await answer(apiClient(opts).POST('/api/v1/users', { body: { email, role, project, name: opts.name ?? null, ...(opts.password !== undefined ? { password: opts.password } : {}) } }));
      return { user: r.user, created: r.created, password: 'password' in r && typeof r.password === 'string' ? r.password : null };
    },
    async (store) => {
      const existing = await store.people.findUserByEmail(email);
      if (existing) {
        if (existing.memberships.some((m) => m.projectId === project)) throw new CliError(`${email} has a role in project '${project}' already: change it with \`lookout users set-role\``, { code: 'conflict' });
        if (opts.password !== undefined) throw new CliError(`${email} has an account already: its password is not set here (leave out --password-stdin to give them the role)`, { code: 'conflict' });
        const updated = await store.people.updateUser(existing.id, { memberships: withRole(existing.memberships, project, role) });
        await recordLocalChange(store.audit, { action: 'users.create', projectId: asProject(project), target: existing.id, details: { after: { email, role } } });
        return { user: storeUserAnswer(updated!), password: null, created: false };
      }
      const generated = opts.password === undefined ? generatePassword() : null;
      const user = await store.people.createUser({ email, name: opts.name ?? null, source: 'local', passwordHash: await hashPassword(opts.password ?? generated!), memberships: [{ projectId: asProject(project), role }] });
      await recordLocalChange(store.audit, { action: 'users.create', projectId: asProject(project), target: user.id, details: { after: { email, role }, created: true } });
      return { user: storeUserAnswer(user), password: generated, created: true };
    },
  );
}

export interface ListUsersOptions extends UsersTarget {
  project?: string;
}

export async function listUsers(opts: ListUsersOptions, via: ServerOrStore): Promise<ApiUser[]> {
  const project = opts.project === undefined ? undefined : checkProject(opts.project);
  return via<ApiUser[]>(
    opts,
    opts.dataDir,
    async () => (await answer(apiClient(opts).GET('/api/v1/users', { params: { query: project === undefined ? {} : { project } } }))).users,
    async (store) => (await store.people.listUsers(project as Membership['projectId'] | undefined)).map(storeUserAnswer),
  );
}

// A user named by id or email address: through the API, among the project's members (or, for the
// operator, every account).
async function userIdViaApi(target: ApiTarget, who: string, project: string): Promise<string> {
  const api = apiClient(target);
  const match = (users: ApiUser[]) => users.find((u) => u.id === who || u.email === who.trim().toLowerCase());
  const inProject = match((await answer(api.GET('/api/v1/users', { params: { query: { project } } }))).users);
  if (inProject) return inProject.id;
  try {
    const anywhere = match((await answer(api.GET('/api/v1/users', { params: { query: { all: 'true' } } }))).users);
    if (anywhere) return anywhere.id;
  } catch (err) {
    if (!(err instanceof CliError && err.code === 'forbidden')) throw err;
  }
  throw new CliError(`no user ${who} in project '${project}'`, { code: 'not_found' });
}

// Changes a user named by id or email address through the API, as a change in `project`.
async function patchViaApi(target: ApiTarget, who: string, project: string, change: { role: Role } | { disabled: boolean }): Promise<ApiUser> {
  const id = await userIdViaApi(target, who, project);
  return (await answer(apiClient(target).PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: { ...change, project } }))).user;
}

async function userViaStore(store: Store, who: string): Promise<User> {
  const user = (await store.people.getUser(who)) ?? (await store.people.findUserByEmail(who.trim().toLowerCase()));
  if (!user) throw new CliError(`no user ${who}`, { code: 'not_found' });
  return user;
}

export interface ChangeUserOptions extends UsersTarget {
  project: string;
}

// The roles of people who sign in with the identity provider come from its claims at every sign-in.
function refuseOidcRoles(user: { email: string; source: string }): void {
  if (user.source === 'oidc') throw new CliError(`${user.email} signs in with the identity provider, which gives their roles (auth.oidc.roles): change their group there, or disable the account`, { code: 'conflict' });
}

export async function setRole(who: string, role: string, opts: ChangeUserOptions, via: ServerOrStore): Promise<ApiUser> {
  const r = checkRole(role);
  const project = checkProject(opts.project);
  return via<ApiUser>(
    opts,
    opts.dataDir,
    () => patchViaApi(opts, who, project, { role: r }),
    async (store) => {
      const user = await userViaStore(store, who);
      refuseOidcRoles(user);
      const updated = await store.people.updateUser(user.id, { memberships: withRole(user.memberships, project, r) });
      await recordLocalChange(store.audit, { action: 'users.update', projectId: asProject(project), target: user.id, details: { before: { email: user.email, role: roleIn(user.memberships, project) }, after: { email: user.email, role: r } } });
      return storeUserAnswer(updated!);
    },
  );
}

export async function setDisabled(who: string, disabled: boolean, opts: ChangeUserOptions, via: ServerOrStore): Promise<ApiUser> {
  const project = checkProject(opts.project);
  return via<ApiUser>(
    opts,
    opts.dataDir,
    () => patchViaApi(opts, who, project, { disabled }),
    async (store) => {
      const user = await userViaStore(store, who);
      const updated = await store.people.updateUser(user.id, disabled ? { disabled, sessionsValidFrom: Date.now() } : { disabled });
      // Signed out everywhere (a running server is not reading this store: none is running).
      if (disabled) await store.people.deleteSessionsOfUser(user.id);
      await recordLocalChange(store.audit, { action: 'users.update', projectId: asProject(project), target: user.id, details: { before: { email: user.email, disabled: user.disabledAt !== null }, after: { email: user.email, disabled } } });
      return storeUserAnswer(updated!);
    },
  );
}

export interface RemoveUserOptions extends ChangeUserOptions {
  entirely?: boolean;
}

export async function removeUser(who: string, opts: RemoveUserOptions, via: ServerOrStore): Promise<string> {
  const project = checkProject(opts.project);
  return via<string>(
    opts,
    opts.dataDir,
    async () => {
      const id = await userIdViaApi(opts, who, project);
      await answer(apiClient(opts).DELETE('/api/v1/users/{id}', { params: { path: { id }, query: { project, ...(opts.entirely ? { entirely: 'true' as const } : {}) } } }));
      return id;
    },
    async (store) => {
      const user = await userViaStore(store, who);
      if (opts.entirely) {
        await store.people.deleteUser(user.id);
        await store.people.deleteSessionsOfUser(user.id);
        await recordLocalChange(store.audit, { action: 'users.delete', projectId: asProject(project), target: user.id, details: { before: { email: user.email, memberships: user.memberships }, entirely: true } });
      } else {
        if (!user.memberships.some((m) => m.projectId === project)) throw new CliError(`${user.email} has no role in project '${project}'`, { code: 'not_found' });
        refuseOidcRoles(user);
        await store.people.updateUser(user.id, { memberships: withRole(user.memberships, project, null) });
        await recordLocalChange(store.audit, { action: 'users.delete', projectId: asProject(project), target: user.id, details: { before: { email: user.email, role: roleIn(user.memberships, project) } } });
      }
      return user.id;
    },
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function registerUsersCommand(program: Command, options: { urlOption: () => Option; keyOption: () => Option; via: ServerOrStore }): void {
  const { urlOption, keyOption, via } = options;
  const out = (line: string) => void process.stdout.write(`${line}\n`);
  const err = (line: string) => void process.stderr.write(`${line}\n`);
  const dataDirOption = () => new Option('-d, --data-dir <dir>', 'data directory, used when no server is running');
  const projectOption = () => new Option('--project <id>', 'the project').default('default');
  const roleOption = () => new Option('--role <role>', 'viewer: reads; member: also scores, silences, own budgets; admin: also keys, rules, budgets, prices, privacy, erasure, members').choices([...ROLES]).makeOptionMandatory();
  const users = program.command('users').description('people who sign in to the UI, and their roles per project (docs/auth.md)');

  users
    .command('add')
    .description('give a person a role in a project: makes a local account (a one-time password is printed once unless --password-stdin), or adds the role to an existing one')
    .requiredOption('--email <email>', "the person's email address (they sign in with it)")
    .addOption(roleOption())
    .addOption(projectOption())
    .option('--name <name>', 'a display name')
    .option('--password-stdin', 'read the password from stdin (one line) instead of making a one-time password')
    .action(async (opts: Omit<AddUserOptions, 'password'> & { passwordStdin?: boolean }) => {
      const password = opts.passwordStdin ? checkPassword(await readStdin()) : undefined;
      const added = await addUser({ ...opts, password }, via);
      const role = added.user.memberships.find((m) => m.projectId === opts.project)?.role ?? opts.role;
      err(`${added.created ? 'created' : 'updated'} ${added.user.email} (${added.user.id}): ${role} in project '${opts.project}'`);
      if (added.password !== null) {
        out(added.password);
        err('the one-time password above is shown only once: give it to the person, who signs in with it at the UI');
      }
    });

  users
    .command('list')
    .description("list the people with a role in a project: id, email, name, source, role, status, last sign-in")
    .option('--project <id>', "the project (default: the key's own; with no server running: every account)")
    .action(async (opts: ListUsersOptions) => {
      for (const u of await listUsers(opts, via)) out(describeUser(u, opts.project));
    });

  users
    .command('set-role')
    .description("change a person's role in a project (gives them one where they had none)")
    .argument('<user>', 'email address or user id')
    .addOption(roleOption())
    .addOption(projectOption())
    .action(async (who: string, opts: ChangeUserOptions & { role: string }) => {
      const u = await setRole(who, opts.role, opts, via);
      err(`${u.email}: ${opts.role} in project '${opts.project}'`);
    });

  for (const [name, disabled, description] of [
    ['disable', true, 'stop a person from signing in, and sign them out everywhere'],
    ['enable', false, 'let a disabled person sign in again'],
  ] as const) {
    users
      .command(name)
      .description(description)
      .argument('<user>', 'email address or user id')
      .addOption(projectOption())
      .action(async (who: string, opts: ChangeUserOptions) => {
        const u = await setDisabled(who, disabled, opts, via);
        err(`${u.email}: ${disabled ? 'disabled' : 'enabled'}`);
      });
  }

  users
    .command('remove')
    .description("take a person's role in a project away; --entirely deletes their account (operator)")
    .argument('<user>', 'email address or user id')
    .addOption(projectOption())
    .option('--entirely', 'delete the account from every project (the operator)')
    .action(async (who: string, opts: RemoveUserOptions) => {
      const id = await removeUser(who, opts, via);
      err(opts.entirely ? `deleted user ${id}` : `removed user ${id} from project '${opts.project}'`);
    });

  // Where each runs: through a server (its URL and a key), or on the data directory when none is running.
  for (const command of users.commands) command.addOption(urlOption()).addOption(keyOption()).addOption(dataDirOption());
}
