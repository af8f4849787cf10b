import type { AnalyticsBackend } from '../../query/types.ts';
import type { ProjectId } from '../store.ts';
import type { DuckDb } from './db.ts';

export class DuckDbAnalytics implements AnalyticsBackend {
  readonly ready = true as const;
  private readonly db: DuckDb;
  constructor(db: DuckDb) {
    this.db = db;
  }
  async ping(project: ProjectId): Promise<void> {
    await this.db.all('SELECT count(*) FROM spans WHERE project_id = $project', { project });
  }
}
