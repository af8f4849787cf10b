import { tightenPrivateFile } from '../../state/private-files.ts';
import type { DuckDb } from './db.ts';

// Copies the open database into a new file at `file`: one statement, so one snapshot of every
// table (MVCC), taken on the writer connection between two write transactions. Readers go on;
// ingest loads wait for the copy (acknowledged rows wait in the journal meanwhile). The copy is
// also compact: free blocks of the live file are not carried over.
export async function copyDatabaseTo(db: DuckDb, file: string): Promise<void> {
  await db.exclusive(async () => {
    const name = String((await db.writeAll('SELECT current_database() AS name'))[0].name);
    await db.run(`ATTACH '${file.replaceAll("'", "''")}' AS lookout_backup`);
    try {
      await db.run(`COPY FROM DATABASE "${name.replaceAll('"', '""')}" TO lookout_backup`);
    } finally {
      await db.run('DETACH lookout_backup');
    }
  });
  tightenPrivateFile(file);
}
