import { userInfo } from 'node:os';
import type { AuditLog } from '../store/audit.ts';
import { auditEntry, type AuditInput } from './recorder.ts';

// E4: a change the command-line tool makes on the data directory itself (no server running:
// `lookout users add`, `lookout keys create`, ...) is recorded like one made through the API:
// actor kind `local`, the operating-system user who ran the command in `details.osUser`, redacted
// and bounded by the same auditEntry(). Appended at once (the tool holds the store briefly).

function osUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? null;
  }
}

export type LocalChange = Omit<AuditInput, 'actor' | 'method' | 'path' | 'ip' | 'userAgent'>;

// Appends the entry of a change made from the command line; a failure is reported on `warn` and
// does not undo the change.
export async function recordLocalChange(log: AuditLog, change: LocalChange, warn: (line: string) => void = (l) => void process.stderr.write(`${l}\n`)): Promise<void> {
  try {
    const entry = auditEntry({ ...change, actor: { kind: 'local', id: null, email: null }, details: { ...change.details, via: 'cli', osUser: osUser() } });
    await log.append([entry]);
  } catch (err) {
    warn(`the change was made but could not be recorded in the audit log: ${(err as Error).message}`);
  }
}
