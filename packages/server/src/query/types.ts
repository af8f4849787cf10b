import type { ProjectId } from '../store/store.ts';

// Analytics queries (B3, B4, B5, C1, C2, C5), implemented once per storage backend.
// Placeholder contract: the analytics module fills this in.
export interface AnalyticsBackend {
  readonly ready: true;
  ping(project: ProjectId): Promise<void>;
}
