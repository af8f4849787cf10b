// Writes the API's OpenAPI document (docs/openapi.json), the client's types generated from it
// (packages/client/src/schema.ts) and the route × role table (docs/auth-routes.md). `npm run
// openapi` after changing a route's schema or rule; the tests server/openapi.test.ts and
// server/access.test.ts fail while any of them is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { makeTestApp } from '../packages/server/src/testing/app.ts';
import { authRoutesMarkdown, routeRules } from '../packages/server/src/server/access.ts';

export const DOCUMENT_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
export const CLIENT_TYPES_FILE = fileURLToPath(new URL('../packages/client/src/schema.ts', import.meta.url));
export const AUTH_ROUTES_FILE = fileURLToPath(new URL('../docs/auth-routes.md', import.meta.url));

// The document, and the route × role table from the same app's routes.
export async function buildOutputs(): Promise<{ doc: Record<string, unknown>; authRoutes: string }> {
  const t = await makeTestApp();
  try {
    return { doc: t.app.swagger() as unknown as Record<string, unknown>, authRoutes: authRoutesMarkdown(routeRules(t.app)) };
  } finally {
    await t.close();
  }
}

export async function buildDocument(): Promise<Record<string, unknown>> {
  return (await buildOutputs()).doc;
}

export function documentText(doc: Record<string, unknown>): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export async function clientTypesText(doc: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(doc as never, { alphabetize: true, exportType: true, defaultNonNullable: false });
  return `// Generated from docs/openapi.json by scripts/openapi.ts (npm run openapi). Do not edit.\n\n${astToString(ast)}`;
}

export async function readIfExists(file: string): Promise<string | null> {
  return readFile(file, 'utf8').catch(() => null);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { doc, authRoutes } = await buildOutputs();
  await writeFile(DOCUMENT_FILE, documentText(doc));
  await writeFile(CLIENT_TYPES_FILE, await clientTypesText(doc));
  await writeFile(AUTH_ROUTES_FILE, authRoutes);
  process.stdout.write(`wrote ${DOCUMENT_FILE}, ${CLIENT_TYPES_FILE} and ${AUTH_ROUTES_FILE}\n`);
}
