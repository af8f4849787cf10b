import { Pool } from 'undici';

// Keep-alive connection pools to the upstreams, one per origin. The configured base URLs each get
// one; an automated response that sends a call elsewhere gets its own, up to a small bound.

export interface UpstreamTarget {
  origin: string; // https://api.openai.com
  basePath: string; // /v1 (no trailing slash; '' for none)
}

export function upstreamTarget(baseUrl: string): UpstreamTarget {
  const u = new URL(baseUrl);
  return { origin: u.origin, basePath: u.pathname.replace(/\/+$/, '') };
}

export interface UpstreamPoolOptions {
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  connectionsPerUpstream: number;
}

const MAX_POOLS = 32;

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();
  private readonly options: UpstreamPoolOptions;

  constructor(options: UpstreamPoolOptions) {
    this.options = options;
  }

  get(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool) return pool;
    if (this.pools.size >= MAX_POOLS) {
      // Rarely used origins: the oldest pool goes (its calls in flight finish first).
      const [oldest, first] = this.pools.entries().next().value as [string, Pool];
      this.pools.delete(oldest);
      void first.close().catch(() => {});
    }
    pool = new Pool(origin, {
      connections: this.options.connectionsPerUpstream,
      connect: { timeout: this.options.connectTimeoutMs },
      headersTimeout: this.options.headersTimeoutMs,
      bodyTimeout: this.options.bodyTimeoutMs,
      keepAliveTimeout: 30_000,
    });
    this.pools.set(origin, pool);
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close().catch(() => p.destroy())));
  }
}
