// Writes the API's OpenAPI document (docs/openapi.json) and the client's types generated from it
// (packages/client/src/schema.ts). `npm run openapi` after changing a route's schema; the test
// packages/server/src/server/openapi.test.ts fails while either file is stale.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { makeTestApp } from '../packages/server/src/testing/app.ts';

export const DOCUMENT_FILE = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));
export const CLIENT_TYPES_FILE = fileURLToPath(new URL('../packages/client/src/schema.ts', import.meta.url));

export async function buildDocument(): Promise<Record<string, unknown>> {
  const t = await makeTestApp();
  try {
    return t.app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await t.close();
  }
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
  const doc = await buildDocument();
  await writeFile(DOCUMENT_FILE, documentText(doc));
  await writeFile(CLIENT_TYPES_FILE, await clientTypesText(doc));
  process.stdout.write(`wrote ${DOCUMENT_FILE} and ${CLIENT_TYPES_FILE}\n`);
}
