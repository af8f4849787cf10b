import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema, FastifySchemaCompiler, FastifySerializerCompiler, RouteOptions } from 'fastify';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ERRORS, LookoutError, formatZodIssue } from '../errors.ts';
import { PUBLIC_ROUTES, scopeNote, trackRouteRules, type RouteScope } from './access.ts';

// The API contract is the zod schemas the routes validate with: every route declares its
// parameters, body and responses, @fastify/swagger collects them and fastify-type-provider-zod
// turns them into JSON Schema (zod 4's own converter), so the OpenAPI document cannot say
// something the server does not do. The document is served at OPENAPI_PATH and kept in
// docs/openapi.json, from which packages/client generates its types (`npm run openapi`).

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const API_VERSION = '1';

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERRORS) as [keyof typeof ERRORS, ...(keyof typeof ERRORS)[]]).describe('a code of the catalog in docs/errors.md'),
      message: z.string().describe('what is wrong and what to do, naming the parameter or field'),
      retryable: z.boolean(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'Error' });

// What a 4xx/5xx answer looks like on every JSON route.
export const errorResponses = {
  400: errorSchema,
  401: errorSchema,
  403: errorSchema,
  404: errorSchema,
  429: errorSchema,
  503: errorSchema,
} as const;

// A body the handler validates itself (item by item, or with messages a schema cannot give):
// documented with the schema, passed to the handler as it came.
const unvalidated = new WeakSet<z.ZodType>();
export function documentedOnly<T extends z.ZodType>(schema: T): z.ZodType<unknown> {
  unvalidated.add(schema);
  return schema as z.ZodType<unknown>;
}

// Query strings and paths are parsed here with the route's schema; the first problem is a 400
// from the catalog, worded like every other one ("limit: must be at most 1000").
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const code = httpPart === 'body' ? 'invalid_request' : 'invalid_parameter';
  const noun = httpPart === 'body' ? 'field' : 'parameter';
  if (unvalidated.has(schema)) return (data: unknown) => ({ value: data });
  return (data: unknown) => {
    // An absent query string or body is an empty one; a body that needs fields is then missing.
    const absent = data === null || data === undefined;
    const parsed = schema.safeParse(absent ? {} : data);
    if (parsed.success) return { value: parsed.data };
    if (httpPart === 'body' && absent) return { error: new LookoutError(code, 'body: send a JSON object') };
    return { error: new LookoutError(code, formatZodIssue(parsed.error.issues[0], { noun })) };
  };
};

export interface SerializerOptions {
  // Check every response against its schema and fail the request when it does not match: on in
  // the test suites, so a route cannot drift from its documented answer unnoticed.
  validateResponses: boolean;
}

export function createSerializerCompiler(options: SerializerOptions): FastifySerializerCompiler<z.ZodType> {
  return ({ schema, url, method }) => {
    if (!options.validateResponses || !(schema instanceof z.ZodType)) return (data) => JSON.stringify(data);
    return (data) => {
      const text = JSON.stringify(data);
      // What the client receives, so that dates and toJSON() are seen as they are sent.
      const sent: unknown = text === undefined ? undefined : JSON.parse(text);
      const parsed = schema.safeParse(sent);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`the response of ${method} ${url} does not match its schema: ${formatZodIssue(issue)}`);
      }
      const extra = undeclaredField(sent, parsed.data);
      if (extra !== null) throw new Error(`the response of ${method} ${url} has a field its schema does not declare: ${extra}`);
      return text;
    };
  };
}

const zodTransform = createJsonSchemaTransform({ skipList: [] });

// Who may use each route (server/access.ts) is said in its description; a route of /api/, /v1/ or
// /proxy/ without a rule is listed as undocumented unless access.ts lists it as public.
const PUBLIC_API_ROUTES = new Set(PUBLIC_ROUTES);

// The first field present in what is sent but dropped by the schema's parse (zod objects strip
// unknown keys), as a path: a response that says more than its route declares.
export function undeclaredField(sent: unknown, parsed: unknown, path = ''): string | null {
  if (Array.isArray(sent) && Array.isArray(parsed)) {
    for (let i = 0; i < sent.length; i++) {
      const found = undeclaredField(sent[i], parsed[i], `${path}[${i}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (sent === null || typeof sent !== 'object' || parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  for (const [key, value] of Object.entries(sent)) {
    const at = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(parsed, key)) return at;
    const found = undeclaredField(value, (parsed as Record<string, unknown>)[key], at);
    if (found !== null) return found;
  }
  return null;
}

const routesWithoutSchema = new WeakMap<FastifyInstance, string[]>();

// Routes whose options lack a schema with responses: the contract test fails on any.
export function undocumentedRoutes(app: FastifyInstance): string[] {
  return routesWithoutSchema.get(app) ?? [];
}

function hasContract(schema: FastifySchema | undefined): boolean {
  return schema !== undefined && schema.response !== undefined && typeof (schema as { summary?: unknown }).summary === 'string';
}

export async function registerOpenApi(app: FastifyInstance, options: SerializerOptions): Promise<void> {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(createSerializerCompiler(options));
  const missing: string[] = [];
  routesWithoutSchema.set(app, missing);
  trackRouteRules(app);
  app.addHook('onRoute', (route: RouteOptions) => {
    const name = `${[route.method].flat().join(',')} ${route.url}`;
    if (!hasContract(route.schema)) missing.push(name);
    // Every API and OTLP route says which keys may use it (checked before validation, app.ts).
    const guarded = route.url.startsWith('/api/') || route.url.startsWith('/v1/') || route.url.startsWith('/proxy/');
    if (guarded && !PUBLIC_API_ROUTES.has(route.url) && (route.config as { scope?: string } | undefined)?.scope === undefined) missing.push(`${name} (no config.scope)`);
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lookout API',
        // The API's version, not the server's: the document is public and says nothing of the build.
        version: API_VERSION,
        description:
          'Self-hosted observability for LLM applications. Send `Authorization: Bearer <key>` unless the server is bound to loopback without required keys. Errors: docs/errors.md. Times and durations: docs/api.md.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          lookoutKey: { type: 'apiKey', in: 'header', name: 'x-lookout-key', description: "Lookout's key on the gateway, where Authorization carries the provider's key" },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: (input) => {
      const out = zodTransform(input);
      const scope = (input.route.config as { scope?: RouteScope } | undefined)?.scope;
      if (scope === undefined || out.schema === undefined) return out;
      const note = scopeNote(scope, [input.route.method].flat()[0] ?? 'GET');
      const described = out.schema as { description?: string };
      return { ...out, schema: { ...out.schema, description: described.description ? `${described.description}\n\n${note}` : note } };
    },
    transformObject: (input) => withoutUnusedSchemas(jsonSchemaTransformObject(input) as OpenApiDocument) as ReturnType<typeof jsonSchemaTransformObject>,
  });
}

interface OpenApiDocument {
  paths?: unknown;
  components?: { schemas?: Record<string, unknown> };
}

// Named schemas are emitted once for requests and once for responses; keep the ones referenced.
function withoutUnusedSchemas(doc: OpenApiDocument): OpenApiDocument {
  const schemas = doc.components?.schemas;
  if (!schemas) return doc;
  const used = new Set<string>();
  const visit = (text: string) => {
    for (const m of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (used.has(m[1]) || !(m[1] in schemas)) continue;
      used.add(m[1]);
      visit(JSON.stringify(schemas[m[1]]));
    }
  };
  visit(JSON.stringify(doc.paths ?? {}));
  doc.components!.schemas = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return doc;
}

// Registered after every other route, so the document is complete when first asked for.
export function registerOpenApiRoute(app: FastifyInstance): void {
  app.get(
    OPENAPI_PATH,
    {
      schema: {
        summary: 'This API, as an OpenAPI 3.1 document',
        tags: ['meta'],
        security: [],
        response: { 200: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }) },
      },
    },
    async () => app.swagger(),
  );
}
