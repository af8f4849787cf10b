import { isIP } from 'node:net';
import { z } from 'zod';
import { tryParseDuration } from '../../domain/time.ts';
import { parseMatcher } from '../engine/silences.ts';

// F4: receivers and the routing tree, under `alerts.notifications` in the configuration. The tree
// works as Alertmanager's does: an alert walks down from the root; at each level the first child
// route whose matchers all match takes it (and the next ones too when it has `continue: true`);
// the deepest matching route's receiver gets it. Unset timings are inherited from the parent.

const duration = (name: string) =>
  z.string().refine((v) => tryParseDuration(v) !== null, `${name} must be a duration such as 30s, 5m or 4h`);

export const httpUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}, 'must be an http:// or https:// URL');

const receiverSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a receiver name is letters, digits, _, . and -'),
    webhook: z
      .object({
        url: httpUrl,
        // Signs each body: X-Lookout-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">.
        secret: z.string().min(16, 'a signing secret has at least 16 characters').optional(),
        headers: z.record(z.string(), z.string()).default({}),
      })
      .strict()
      .optional(),
    slack: z.object({ url: httpUrl }).strict().optional(),
    pagerduty: z
      .object({ routingKey: z.string().min(1), url: httpUrl.default('https://events.pagerduty.com/v2/enqueue') })
      .strict()
      .optional(),
    alertmanager: z.object({ url: httpUrl, resendInterval: duration('resendInterval').default('1m') }).strict().optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const kinds = (['webhook', 'slack', 'pagerduty', 'alertmanager'] as const).filter((k) => r[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `receiver '${r.name}' needs exactly one of webhook, slack, pagerduty, alertmanager (has ${kinds.length ? kinds.join(', ') : 'none'})` });
    }
  });
export type ReceiverConfig = z.output<typeof receiverSchema>;
export type ReceiverType = 'webhook' | 'slack' | 'pagerduty' | 'alertmanager';

export function receiverType(r: ReceiverConfig): ReceiverType {
  return r.webhook ? 'webhook' : r.slack ? 'slack' : r.pagerduty ? 'pagerduty' : 'alertmanager';
}

const matchersSchema = z
  // The map form is equality; its values are taken as they are (the matcher parser strips one
  // pair of quotes and does not unescape, so quoting them here keeps quotes inside a value).
  .union([z.array(z.string()), z.record(z.string(), z.string()).transform((m) => Object.entries(m).map(([k, v]) => `${k}="${v}"`))])
  .superRefine((list, ctx) => {
    list.forEach((text, i) => {
      try {
        parseMatcher(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: [i], message: (err as Error).message });
      }
    });
  });

// An allow-list entry: an IP address, a CIDR range or a host name. IPv6 may be written in
// brackets, as in a URL; entries are kept lower-case and without brackets.
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;
const allowedHost = z
  .string()
  .transform((text, ctx) => {
    const entry = text.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address);
    if (family && prefix !== undefined) {
      const max = family === 6 ? 128 : 32;
      if (extra !== undefined || !/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
        ctx.addIssue({ code: 'custom', message: `'${text}' is not a CIDR range; write e.g. 10.0.0.0/8 or fd00::/8 (prefix 0-${max})` });
        return z.NEVER;
      }
      return `${address}/${Number(prefix)}`;
    }
    if (prefix !== undefined || (!family && !HOST_NAME.test(entry))) {
      ctx.addIssue({ code: 'custom', message: `'${text}' is not a host name, an IP address or a CIDR range` });
      return z.NEVER;
    }
    return entry;
  });

export interface RouteInput {
  receiver?: string;
  matchers?: string[] | Record<string, string>;
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  continue?: boolean;
  routes?: RouteInput[];
}

const routeSchema: z.ZodType<RouteInput> = z.lazy(() =>
  z
    .object({
      receiver: z.string().optional(),
      matchers: matchersSchema.optional(),
      groupBy: z.array(z.string()).optional(),
      groupWait: duration('groupWait').optional(),
      groupInterval: duration('groupInterval').optional(),
      repeatInterval: duration('repeatInterval').optional(),
      continue: z.boolean().optional(),
      routes: z.array(routeSchema).optional(),
    })
    .strict(),
) as z.ZodType<RouteInput>;

export const notificationsSchema = z
  .object({
    // SSRF allow-list: host names, IP addresses and CIDR ranges that may be private or loopback.
    allowedHosts: z.array(allowedHost).default([]),
    timeout: duration('timeout').default('5s'),
    retries: z.number().int().min(0).max(10).default(3),
    receivers: z.array(receiverSchema).default([]),
    route: routeSchema.optional(),
  })
  .strict()
  .superRefine((n, ctx) => {
    const names = new Set<string>();
    n.receivers.forEach((r, i) => {
      if (names.has(r.name)) ctx.addIssue({ code: 'custom', path: ['receivers', i, 'name'], message: `receiver '${r.name}' is defined twice` });
      names.add(r.name);
    });
    const walk = (route: RouteInput, path: (string | number)[], isRoot: boolean) => {
      if (isRoot && route.receiver === undefined) ctx.addIssue({ code: 'custom', path: [...path, 'receiver'], message: 'the root route needs a receiver (the default one)' });
      if (isRoot && route.matchers !== undefined && (Array.isArray(route.matchers) ? route.matchers.length : Object.keys(route.matchers).length) > 0) {
        ctx.addIssue({ code: 'custom', path: [...path, 'matchers'], message: 'the root route takes every alert and has no matchers; put them on a child route' });
      }
      if (route.receiver !== undefined && !names.has(route.receiver)) {
        ctx.addIssue({ code: 'custom', path: [...path, 'receiver'], message: `no receiver named '${route.receiver}'; receivers: ${[...names].join(', ') || 'none'}` });
      }
      route.routes?.forEach((child, i) => walk(child, [...path, 'routes', i], false));
    };
    if (n.route) walk(n.route, ['route'], true);
  });

export type NotificationsConfig = z.output<typeof notificationsSchema>;
export const DEFAULT_NOTIFICATIONS: NotificationsConfig = { allowedHosts: [], timeout: '5s', retries: 3, receivers: [] };
