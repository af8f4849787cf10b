import type { FastifyRequest } from 'fastify';
import type { AppContext } from './context.ts';

// The address a request comes from, for everything that keys on the client (the sign-in limiter,
// the audit log's "from where", the merging of refusals). Behind server.trustProxy, the address
// the nearest proxy saw: the last X-Forwarded-For entry, which that proxy added, not request.ip
// (the first entry, which the client chooses). Without trustProxy, the socket's peer.
export function clientAddressOf(ctx: Pick<AppContext, 'config'>, request: FastifyRequest): string {
  let address = request.socket?.remoteAddress ?? request.ip ?? 'unknown';
  if (ctx.config.server.trustProxy) {
    const header = request.headers['x-forwarded-for'];
    const entries = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    const nearest = entries.at(-1);
    if (nearest) address = nearest;
  }
  return address;
}
