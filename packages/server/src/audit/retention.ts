import type { Logger } from 'pino';
import type { AuditLog } from '../store/audit.ts';

// E4: audit entries are kept `audit.retentionDays` (apart from span retention): older ones are
// deleted at start and once a day. Every node of a shared store runs it; deleting is idempotent.

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface AuditRetentionOptions {
  log: AuditLog;
  retentionDays: number;
  logger: Logger;
  intervalMs?: number;
  now?: () => number;
}

export class AuditRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  private readonly opts: AuditRetentionOptions;

  constructor(opts: AuditRetentionOptions) {
    this.opts = opts;
  }

  get cutoffMs(): number {
    return (this.opts.now ?? Date.now)() - this.opts.retentionDays * DAY_MS;
  }

  // Deletes what is past retention now; how many entries went (0 when the store failed: logged).
  run(): Promise<number> {
    this.running ??= (async () => {
      const cutoff = this.cutoffMs;
      try {
        const deleted = await this.opts.log.purgeBefore(cutoff);
        if (deleted > 0) this.opts.logger.info({ event: 'audit_purged', deleted, before: new Date(cutoff).toISOString() }, 'old audit entries deleted');
        return deleted;
      } catch (err) {
        this.opts.logger.error({ err, event: 'audit_purge_failed' }, 'could not delete old audit entries; will try again at the next run');
        return 0;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  start(): void {
    if (this.timer !== null) return;
    void this.run();
    this.timer = setInterval(() => void this.run(), this.opts.intervalMs ?? DAY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
