import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../../config/config.ts';
import { notificationsSchema } from './config.ts';

// `alerts.notifications` is checked when the configuration loads: a mistake stops start-up with a
// message naming the setting.

const dir = mkdtempSync(join(tmpdir(), 'lookout-notifications-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
// loadConfig over a YAML file holding `notifications`; the thrown message, or null when it loads.
function startWith(notifications: unknown): string | null {
  const file = join(dir, `lookout-${++files}.yaml`);
  writeFileSync(file, stringify({ alerts: { notifications } }));
  try {
    loadConfig({ file, env: {} });
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
}

const hook = (name: string) => ({ name, webhook: { url: 'https://hooks.example.com/' + name } });

describe('alerts.notifications in the configuration', () => {
  it('loads a full configuration, with the defaults filled in', () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(
      file,
      stringify({
        alerts: {
          notifications: {
            receivers: [
              hook('team'),
              { name: 'pager', pagerduty: { routingKey: 'abc' } },
              { name: 'chat', slack: { url: 'https://hooks.slack.com/services/T/B/X' } },
              { name: 'am', alertmanager: { url: 'http://alertmanager.internal:9093' } },
            ],
            route: {
              receiver: 'team',
              routes: [
                { receiver: 'pager', matchers: ['severity="critical"'], continue: true },
                { receiver: 'chat', matchers: { category: 'cost' } },
                { receiver: 'am', matchers: ['alertname=~".+"'] },
              ],
            },
          },
        },
      }),
    );
    const n = loadConfig({ file, env: {} }).alerts.notifications;
    expect(n.timeout).toBe('5s');
    expect(n.retries).toBe(3);
    expect(n.allowedHosts).toEqual([]);
    expect(n.receivers[1].pagerduty).toEqual({ routingKey: 'abc', url: 'https://events.pagerduty.com/v2/enqueue' });
    expect(n.receivers[3].alertmanager).toEqual({ url: 'http://alertmanager.internal:9093', resendInterval: '1m' });
    expect(n.receivers[0].webhook!.headers).toEqual({});
    // The map form of matchers becomes the list form (values as written, quoted).
    expect(n.route!.routes![1].matchers).toEqual(['category="cost"']);
  });

  it('has no receivers and no route by default', () => {
    const n = loadConfig({ file: null, env: {} }).alerts.notifications;
    expect(n.receivers).toEqual([]);
    expect(n.route).toBeUndefined();
  });

  it('refuses a route to an unknown receiver', () => {
    const message = startWith({ receivers: [hook('team')], route: { receiver: 'team', routes: [{ receiver: 'pagr', matchers: ['severity="critical"'] }] } });
    expect(message).toContain("alerts.notifications.route.routes[0].receiver: no receiver named 'pagr'; receivers: team");
  });

  it('refuses a root route without a receiver', () => {
    expect(startWith({ receivers: [hook('team')], route: { groupBy: ['alertname'] } })).toContain(
      'alerts.notifications.route.receiver: the root route needs a receiver (the default one)',
    );
  });

  it('refuses two receivers of the same name', () => {
    const message = startWith({ receivers: [hook('team'), hook('team')], route: { receiver: 'team' } });
    expect(message).toContain("alerts.notifications.receivers[1].name: receiver 'team' is defined twice");
  });

  it('refuses a receiver with two kinds, or none', () => {
    const two = startWith({ receivers: [{ name: 'both', webhook: { url: 'https://a.example.com/' }, slack: { url: 'https://b.example.com/' } }], route: { receiver: 'both' } });
    expect(two).toContain("alerts.notifications.receivers[0]: receiver 'both' needs exactly one of webhook, slack, pagerduty, alertmanager (has webhook, slack)");
    const none = startWith({ receivers: [{ name: 'empty' }], route: { receiver: 'empty' } });
    expect(none).toContain("receiver 'empty' needs exactly one of webhook, slack, pagerduty, alertmanager (has none)");
  });

  it('refuses a bad duration', () => {
    expect(startWith({ receivers: [hook('team')], route: { receiver: 'team', groupWait: '5 minutes' } })).toContain(
      'alerts.notifications.route.groupWait: groupWait must be a duration such as 30s, 5m or 4h',
    );
    expect(startWith({ timeout: 'soon', receivers: [] })).toContain('alerts.notifications.timeout: timeout must be a duration');
    expect(startWith({ receivers: [hook('team')], route: { receiver: 'team', routes: [{ repeatInterval: '1 day' }] } })).toContain(
      'alerts.notifications.route.routes[0].repeatInterval: repeatInterval must be a duration',
    );
  });

  it('refuses a bad matcher, naming it', () => {
    expect(startWith({ receivers: [hook('team')], route: { receiver: 'team', routes: [{ matchers: ['severity critical'] }] } })).toContain(
      "alerts.notifications.route.routes[0].matchers[0]: 'severity critical' is not a matcher",
    );
    expect(startWith({ receivers: [hook('team')], route: { receiver: 'team', routes: [{ matchers: ['severity="critical"', 'model=~"gpt-(4"'] }] } })).toContain(
      "alerts.notifications.route.routes[0].matchers[1]: 'gpt-(4' in 'model=~\"gpt-(4\"' is not a valid regular expression",
    );
  });

  it('refuses a URL that is not http or https, a short secret and an unknown field', () => {
    expect(startWith({ receivers: [{ name: 'x', webhook: { url: 'ftp://files.example.com/' } }], route: { receiver: 'x' } })).toContain(
      'alerts.notifications.receivers[0].webhook.url: must be an http:// or https:// URL',
    );
    expect(startWith({ receivers: [{ name: 'x', webhook: { url: 'https://a.example.com/', secret: 'short' } }], route: { receiver: 'x' } })).toContain(
      'alerts.notifications.receivers[0].webhook.secret: a signing secret has at least 16 characters',
    );
    expect(startWith({ receivers: [hook('team')], route: { receiver: 'team', group_by: ['alertname'] } })).toMatch(/alerts\.notifications\.route: .*group_by/);
  });

  it('checks allowedHosts entries: addresses, CIDR ranges and host names, kept lower-case without brackets', () => {
    const n = notificationsSchema.parse({ allowedHosts: ['127.0.0.1', '10.0.0.0/8', 'Hooks.Internal', '[::1]', 'fd00::/8', 'alertmanager'] });
    expect(n.allowedHosts).toEqual(['127.0.0.1', '10.0.0.0/8', 'hooks.internal', '::1', 'fd00::/8', 'alertmanager']);
    expect(startWith({ allowedHosts: ['10.0.0.0/33'] })).toContain("alerts.notifications.allowedHosts[0]: '10.0.0.0/33' is not a CIDR range; write e.g. 10.0.0.0/8 or fd00::/8 (prefix 0-32)");
    expect(startWith({ allowedHosts: ['ok.example', 'hooks/internal'] })).toContain("alerts.notifications.allowedHosts[1]: 'hooks/internal' is not a host name, an IP address or a CIDR range");
    expect(startWith({ allowedHosts: ['http://hooks.internal'] })).toContain("alerts.notifications.allowedHosts[0]: 'http://hooks.internal' is not a host name, an IP address or a CIDR range");
    expect(startWith({ allowedHosts: ['fd00::/129'] })).toContain('(prefix 0-128)');
  });

  it('refuses matchers on the root route, which takes every alert', () => {
    expect(startWith({ receivers: [hook('team')], route: { receiver: 'team', matchers: ['severity="critical"'] } })).toContain(
      'alerts.notifications.route.matchers: the root route takes every alert and has no matchers; put them on a child route',
    );
  });

  it('reports every problem at once', () => {
    const result = notificationsSchema.safeParse({
      receivers: [hook('a'), hook('a')],
      route: { receiver: 'a', groupInterval: 'often', routes: [{ receiver: 'b' }] },
    });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages.sort()).toEqual([
      "receivers.1.name: receiver 'a' is defined twice",
      'route.groupInterval: groupInterval must be a duration such as 30s, 5m or 4h',
      "route.routes.0.receiver: no receiver named 'b'; receivers: a",
    ]);
  });
});
