import type { ProjectId } from '../store.ts';
import type { DuckDb } from './db.ts';
import { deleteProjectMembershipRows } from './people.ts';
import { deleteProjectPromptRows } from './prompts.ts';

// The control-plane side of deleting a project: its keys, its prompts, the roles people had in it
// and its row, in one transaction, so a key never outlives the project it belongs to. The keys go
// first: a crash in between cannot leave keys of a project that no longer exists.
export async function deleteProjectRows(db: DuckDb, project: ProjectId): Promise<boolean> {
  return db.transaction(async () => {
    await db.run('DELETE FROM api_keys WHERE project_id = $project', { project });
    await deleteProjectPromptRows(db, project);
    await deleteProjectMembershipRows(db, project);
    const rows = await db.writeAll('DELETE FROM projects WHERE id = $project RETURNING id', { project });
    return rows.length > 0;
  });
}
