import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HTTP_METHODS, codeSpans, errorCodes, expandable, filterOperations, isErrorBody, operationId, operationsByTag, resolveRef, schemaAnchor, typeLabel, typeNode, type OpenApiDocument } from './openapi.ts';

const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

const doc: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'T', version: '1' },
  tags: [{ name: 'traces', description: 'spans and traces' }],
  security: [{ bearer: [] }],
  components: {
    schemas: {
      Error: {
        type: 'object',
        properties: { error: { type: 'object', properties: { code: { type: 'string', enum: ['invalid_parameter', 'not_found'] } } } },
      },
      Node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } },
      'a/b': { type: 'string' },
    },
    parameters: { Limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } } },
  },
  paths: {
    '/healthz': { get: { summary: 'Health', security: [], responses: { '200': { description: 'ok' } } } },
    '/api/v1/spans': {
      get: {
        summary: 'Spans',
        tags: ['traces'],
        parameters: [{ $ref: '#/components/parameters/Limit' }],
        responses: { '400': error, '200': { description: 'the spans', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } } } },
      },
    },
    '/api/v1/spans/{spanId}': {
      parameters: [
        { name: 'spanId', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'x', in: 'query', schema: { type: 'string' }, description: 'shared' },
      ],
      get: { summary: 'One span', tags: ['traces'], parameters: [{ name: 'x', in: 'query', description: 'own', schema: { type: 'integer' } }], responses: { '404': error } },
      delete: { summary: 'Delete', tags: ['admin'], requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } }, responses: {} },
    },
  },
};

describe('operationsByTag', () => {
  const groups = operationsByTag(doc);

  it('groups operations by first tag: declared tags first, then as they appear, untagged last under "other"', () => {
    expect(groups.map((g) => [g.tag, g.operations.map((o) => `${o.method} ${o.path}`)])).toEqual([
      ['traces', ['get /api/v1/spans', 'get /api/v1/spans/{spanId}']],
      ['admin', ['delete /api/v1/spans/{spanId}']],
      ['other', ['get /healthz']],
    ]);
    expect(groups[0]!.description).toBe('spans and traces');
  });

  it('resolves parameter refs, inherits path-level parameters and lets the operation override them', () => {
    const [spans, one] = groups[0]!.operations;
    expect(spans!.parameters).toEqual([{ name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } }]);
    expect(one!.parameters.map((p) => `${p.in}:${p.name}:${p.description ?? ''}`)).toEqual(['path:spanId:', 'query:x:own']);
  });

  it('sorts responses by status and reads bodies, request bodies and whether a key is needed', () => {
    const spans = groups[0]!.operations[0]!;
    expect(spans.responses.map((r) => r.status)).toEqual(['200', '400']);
    expect(spans.responses[0]!.bodies[0]!.mediaType).toBe('application/json');
    expect(isErrorBody(spans.responses[1]!.bodies[0]!)).toBe(true);
    expect(isErrorBody(spans.responses[0]!.bodies[0]!)).toBe(false);
    expect(spans.needsKey).toBe(true);
    expect(groups[2]!.operations[0]!.needsKey).toBe(false);
    const del = groups[1]!.operations[0]!;
    expect(del.requestBody).toEqual({ required: true, description: '', bodies: [{ mediaType: 'application/json', schema: { type: 'object' } }] });
    expect(spans.requestBody).toBeNull();
  });

  it('gives every operation a distinct anchor', () => {
    expect(operationId('get', '/api/v1/spans/{spanId}')).toBe('get-api-v1-spans-spanId');
    expect(operationId('get', '/proxy/openai/v1/{*}')).toBe('get-proxy-openai-v1-wildcard');
    expect(operationId('get', '/proxy/openai/v1')).toBe('get-proxy-openai-v1');
    expect(operationId('get', '/')).toBe('get-root');
    expect(schemaAnchor('Span')).toBe('schema-Span');
    expect(schemaAnchor('a/b c')).toBe('schema-a_b_c');
  });
});

describe('filterOperations', () => {
  const groups = operationsByTag(doc);
  it('keeps operations whose method, path, summary or tag hold every word', () => {
    const ids = (q: string) => filterOperations(groups, q).flatMap((g) => g.operations.map((o) => o.id));
    expect(ids('')).toHaveLength(4);
    expect(ids('DELETE spans')).toEqual(['delete-api-v1-spans-spanId']);
    expect(ids('one span')).toEqual(['get-api-v1-spans-spanId']);
    expect(ids('traces get')).toEqual(['get-api-v1-spans', 'get-api-v1-spans-spanId']);
    expect(filterOperations(groups, 'nothing-like-this')).toEqual([]);
  });
});

describe('resolveRef', () => {
  it('follows local pointers, with ~1 escapes, and answers null for anything else', () => {
    expect(resolveRef(doc, '#/components/schemas/a~1b')).toEqual({ type: 'string' });
    expect(resolveRef(doc, '#/components/schemas/Missing')).toBeNull();
    expect(resolveRef(doc, 'other.json#/x')).toBeNull();
  });
});

describe('typeNode and typeLabel', () => {
  const label = (s: Parameters<typeof typeNode>[0]) => typeLabel(typeNode(s));

  it('names scalars, arrays, refs, enums, unions and maps', () => {
    expect(label({ type: 'string' })).toBe('string');
    expect(label({ type: 'array', items: { $ref: '#/components/schemas/Span' } })).toBe('Span[]');
    expect(label({ type: 'string', enum: ['ok', 'error'] })).toBe('"ok" | "error"');
    expect(label({ const: 'x' })).toBe('"x"');
    expect(label({ anyOf: [{ type: 'string' }, { type: 'number' }] })).toBe('string | number');
    expect(label({ allOf: [{ $ref: '#/components/schemas/A' }, { $ref: '#/components/schemas/B' }] })).toBe('A & B');
    expect(label({ type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'number' } })).toBe('{ [string]: number }');
    expect(label({ type: 'object', properties: { a: { type: 'string' } } })).toBe('object');
    expect(label({})).toBe('any');
    expect(label(undefined)).toBe('any');
    expect(label({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } })).toBe('(string | integer)[]');
  });

  it('folds null into the type: anyOf with null, type arrays and enums holding null', () => {
    const n = typeNode({ anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }], description: 'null when asked with total=false' });
    expect(typeLabel(n)).toBe('integer | null');
    expect(n.description).toBe('null when asked with total=false');
    expect(n.notes).toEqual(['≥ 0']);
    expect(label({ type: ['string', 'null'] })).toBe('string | null');
    expect(label({ enum: ['a', null] })).toBe('"a" | null');
    expect(label({ anyOf: [{ $ref: '#/components/schemas/Cost' }, { type: 'null' }] })).toBe('Cost | null');
    expect(label({ anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] })).toBe('string | number | null');
  });

  it('says constraints in words and drops the safe-integer bounds every integer carries', () => {
    expect(typeNode({ type: 'integer', minimum: 1, maximum: 1000, default: 50 }).notes).toEqual(['1 to 1000', 'default 50']);
    expect(typeNode({ type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 }).notes).toEqual([]);
    expect(typeNode({ type: 'string', minLength: 1, maxLength: 256, pattern: '^[0-9a-f]{32}$', format: 'date-time' }).notes).toEqual([
      '1 to 256 characters',
      'format date-time',
      'matches ^[0-9a-f]{32}$',
    ]);
    expect(typeNode({ type: 'array', items: {}, maxItems: 5 }).notes).toEqual(['at most 5 items']);
    expect(typeNode({ type: 'number', exclusiveMinimum: 0 }).notes).toEqual(['> 0']);
  });

  it('keeps properties with whether they are required, and references unresolved (so recursion cannot loop)', () => {
    const n = typeNode(doc.components!.schemas!.Node!);
    expect(n.kind).toBe('object');
    if (n.kind !== 'object') return;
    expect(n.properties.map((p) => [p.name, p.required, typeLabel(p.node)])).toEqual([['children', false, 'Node[]']]);
    const obj = typeNode({ type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'string' } } });
    expect(obj.kind === 'object' && obj.properties.map((p) => p.required)).toEqual([true, false]);
  });

  it('marks what can be opened', () => {
    expect(expandable(typeNode({ type: 'string' }))).toBe(false);
    expect(expandable(typeNode({ type: 'object' }))).toBe(false);
    expect(expandable(typeNode({ type: 'object', properties: { a: {} } }))).toBe(true);
    expect(expandable(typeNode({ type: 'array', items: { $ref: '#/components/schemas/X' } }))).toBe(true);
    expect(expandable(typeNode({ type: 'array', items: { type: 'string' } }))).toBe(false);
  });
});

describe('errorCodes', () => {
  it('reads the codes of the Error schema, none when it is absent', () => {
    expect(errorCodes(doc)).toEqual(['invalid_parameter', 'not_found']);
    expect(errorCodes({ openapi: '3.1.0' })).toEqual([]);
  });
});

// The document the server serves, as committed: every operation of it is on the page.
describe('the committed API document', () => {
  const committed = JSON.parse(readFileSync(new URL('../../../../../docs/openapi.json', import.meta.url), 'utf8')) as OpenApiDocument;

  it('lists every operation once, with GET /api/v1/spans and its limit parameter', () => {
    const listed = operationsByTag(committed).flatMap((g) => g.operations.map((o) => `${o.method} ${o.path}`));
    const inDoc = Object.entries(committed.paths ?? {}).flatMap(([path, item]) => HTTP_METHODS.filter((m) => m in item).map((m) => `${m} ${path}`));
    expect(listed.slice().sort()).toEqual(inDoc.sort());
    expect(new Set(listed.map((l) => operationId(...(l.split(' ') as [string, string])))).size).toBe(listed.length);
    const spans = operationsByTag(committed)
      .flatMap((g) => g.operations)
      .find((o) => o.id === 'get-api-v1-spans')!;
    const limit = spans.parameters.find((p) => p.name === 'limit')!;
    expect(typeLabel(typeNode(limit.schema))).toBe('integer');
    expect(typeNode(limit.schema).notes).toContain('default 50');
    expect(errorCodes(committed)).toContain('invalid_parameter');
  });
});

describe('codeSpans', () => {
  it('sets apart `code` and leaves an unpaired backtick as text', () => {
    expect(codeSpans('Send `Authorization: Bearer <key>` unless `x`.')).toEqual([
      { text: 'Send ', code: false },
      { text: 'Authorization: Bearer <key>', code: true },
      { text: ' unless ', code: false },
      { text: 'x', code: true },
      { text: '.', code: false },
    ]);
    expect(codeSpans('a `b` c `d')).toEqual([
      { text: 'a ', code: false },
      { text: 'b', code: true },
      { text: ' c `d', code: false },
    ]);
    expect(codeSpans('plain')).toEqual([{ text: 'plain', code: false }]);
    expect(codeSpans('')).toEqual([]);
  });
});
