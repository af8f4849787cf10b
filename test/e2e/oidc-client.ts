import { expect } from 'vitest';

// A browser's part of the OpenID Connect redirects, with fetch: cookies kept per origin (the
// provider and Lookout are on different ports of one host, so their cookies are kept apart as a
// browser would by name: each sets its own), redirects followed one at a time so each step can be
// looked at, and the provider's development login form filled in.

export class CookieBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  cookies(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const jar = this.cookies(u.origin);
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(u, { ...init, headers, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  // Follows redirects from `url` until one leads to `stopAtOrigin` (not requested) or a page
  // answers; every URL visited, in order.
  async follow(url: string, stopAtOrigin: string | null = null, init: RequestInit = {}): Promise<{ res: Response | null; url: string; visited: string[] }> {
    const visited: string[] = [];
    let next = url;
    let nextInit = init;
    for (let hop = 0; hop < 20; hop++) {
      visited.push(next);
      if (stopAtOrigin !== null && hop > 0 && new URL(next).origin === stopAtOrigin) return { res: null, url: next, visited };
      const res = await this.request(next, nextInit);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || location === null) return { res, url: next, visited };
      await res.body?.cancel();
      next = new URL(location, next).href;
      nextInit = {};
    }
    throw new Error(`too many redirects from ${url}: ${visited.join(' → ')}`);
  }
}

// From Lookout's sign-in route to the provider's login page, the login form filled in as
// `login`, and on to the redirect back to Lookout's callback, which is returned without being
// requested (the caller decides what to do with it). Also the authorization request's URL.
export async function signInAtProvider(browser: CookieBrowser, lookoutUrl: string, login: string, returnTo = '/'): Promise<{ callbackUrl: string; authorizationUrl: URL }> {
  const lookoutOrigin = new URL(lookoutUrl).origin;
  const start = await browser.request(`${lookoutUrl}/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`);
  expect(start.status, await start.clone().text()).toBe(302);
  const authorizationUrl = new URL(start.headers.get('location')!);
  const toForm = await browser.follow(authorizationUrl.href, lookoutOrigin);
  expect(toForm.res?.status, toForm.visited.join(' → ')).toBe(200);
  const html = await toForm.res!.text();
  const action = /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(html)?.[1];
  expect(action, html).toBeDefined();
  expect(html).toContain('name="login"');
  const submitUrl = new URL(action!.replace(/&amp;/g, '&'), toForm.url).href;
  const back = await browser.follow(submitUrl, lookoutOrigin, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ prompt: 'login', login, password: 'any password' }).toString(),
  });
  expect(back.res, `the provider did not send the browser back to Lookout: ${back.visited.join(' → ')}`).toBeNull();
  return { callbackUrl: back.url, authorizationUrl };
}
