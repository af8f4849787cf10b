import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { LookoutError } from '../../errors.ts';
import { errorSchema } from '../openapi.ts';

// The web UI (packages/web, built by Vite into packages/web/dist) at `/`. One catch-all GET route:
// a file of the build when one exists, else index.html for a browser (the UI routes itself from
// the URL), else the usual JSON 404. API, OTLP, gateway and health paths are never answered here.

// The route's URL: app.ts serves it without a key, like /healthz. The UI's HTML and scripts hold
// no data; the UI asks for a key itself when the API answers 401.
export const WEB_ROUTE_URL = '/*';

export const DEFAULT_WEB_DIST_DIR = fileURLToPath(new URL('../../../../web/dist/', import.meta.url));
// Tests (and anyone serving a build from elsewhere) point the server at another directory.
const WEB_DIST_ENV = 'LOOKOUT_WEB_DIST';

const NOT_WEB_PREFIXES = ['/api', '/v1', '/proxy', '/metrics', '/healthz', '/readyz'];
const BUILD_COMMAND = 'npm run build -w @lookout/web';
// Vite puts content-hashed files under assets/: a new build gives them new names.
const HASHED_ASSETS_DIR = 'assets/';
const HASHED_ASSET_MAX_AGE_MS = 365 * 24 * 3600 * 1000;

function isNonWebPath(pathname: string): boolean {
  return NOT_WEB_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

function acceptsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept;
  return typeof accept === 'string' && (accept.includes('text/html') || accept.includes('application/xhtml+xml'));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const NOT_BUILT_STYLE = 'body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2933;line-height:1.5}code,pre{background:#f0f2f5;padding:.15rem .35rem;border-radius:4px}pre{padding:.75rem}';

// Sent with every response (app.ts). The built UI is scripts, style sheets and fetches of its
// own origin only: no inline script or style (React and uPlot set styles through the CSSOM,
// which CSP allows), the favicon is a data: URL. Nothing may frame it.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' 'sha256-${createHash('sha256').update(NOT_BUILT_STYLE).digest('base64')}'`,
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function notBuiltPage(distDir: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lookout — web UI not built</title>
<style>${NOT_BUILT_STYLE}</style>
</head><body>
<h1>The Lookout web UI is not built</h1>
<p>The server is running and its API works, but there is no build of the web UI in <code>${escapeHtml(distDir)}</code>.</p>
<p>Build it from the repository root, then reload this page:</p>
<pre>${BUILD_COMMAND}</pre>
<p><code>npm start</code> builds it before starting the server. The API is at <a href="/api/v1/project">/api/v1/project</a>; health at <a href="/healthz">/healthz</a>.</p>
</body></html>
`;
}

const WEB_ROUTE_SCHEMA = {
  summary: 'The web UI: a file of its build, or its page for any other path a browser asks for',
  tags: ['web'],
  security: [],
  params: z.object({ '*': z.string().describe('a path of the UI, or of a file of its build') }),
  response: {
    200: {
      description: 'a file of the build (script, style sheet, image), or the UI page to a request that accepts text/html',
      content: { 'text/html': { schema: z.string() }, '*/*': { schema: z.unknown().describe('a file of the build') } },
    },
    401: errorSchema,
    403: errorSchema,
    404: errorSchema,
    503: { description: 'the web UI is not built: a page that says how to build it', content: { 'text/html': { schema: z.string() } } },
  },
};

function notFound(request: FastifyRequest): LookoutError {
  return new LookoutError('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`);
}

export function createWebRoutes(distDirOverride?: string) {
  return async function registerWebRoutes(app: FastifyInstance, _ctx: AppContext): Promise<void> {
    const distDir = resolve(distDirOverride ?? process.env[WEB_DIST_ENV] ?? DEFAULT_WEB_DIST_DIR);
    // serve: false — only reply.sendFile (ETag, Last-Modified, ranges, content types); the one
    // route below decides what is served. The root goes with each file, so that a missing build
    // is not an error at start: the UI may be built after the server started.
    await app.register(fastifyStatic, { serve: false });

    const sendIndex = async (reply: FastifyReply) => {
      if (!(await isFile(resolve(distDir, 'index.html')))) {
        return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(notBuiltPage(distDir));
      }
      // Always revalidated, so a new build's asset names are picked up at once.
      reply.header('cache-control', 'no-cache');
      return reply.sendFile('index.html', distDir, { cacheControl: false });
    };

    app.get(WEB_ROUTE_URL, { schema: WEB_ROUTE_SCHEMA }, async (request, reply) => {
      const pathname = decodeURIComponentSafe(request.url.split('?')[0]);
      if (pathname === null || isNonWebPath(pathname)) throw notFound(request);
      if (pathname === '/' || pathname === '/index.html') return sendIndex(reply);

      const relativePath = pathname.replace(/^\/+/, '');
      const filePath = resolve(distDir, relativePath);
      const inside = relative(distDir, filePath);
      if (inside && !inside.startsWith(`..${sep}`) && inside !== '..' && !isAbsolute(inside) && (await isFile(filePath))) {
        if (relativePath.startsWith(HASHED_ASSETS_DIR)) {
          return reply.sendFile(relativePath, distDir, { maxAge: HASHED_ASSET_MAX_AGE_MS, immutable: true });
        }
        reply.header('cache-control', 'no-cache');
        return reply.sendFile(relativePath, distDir, { cacheControl: false });
      }
      // A missing asset is a 404, not the page: a browser asking for a script must not get HTML.
      if (!relativePath.startsWith(HASHED_ASSETS_DIR) && acceptsHtml(request)) return sendIndex(reply);
      throw notFound(request);
    });
  };
}

function decodeURIComponentSafe(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

export const registerWebRoutes = createWebRoutes();

// For app.ts: a request for the UI itself needs no key (its HTML and scripts hold no data; the
// UI asks for a key when the API answers 401). API paths caught by the route still need one.
export function isPublicWebRequest(request: FastifyRequest): boolean {
  return request.routeOptions.url === WEB_ROUTE_URL && !isNonWebPath(request.url.split('?')[0]);
}
