import { useEffect, useMemo, useState } from 'react';
import { api, errorText } from '../../api/client.ts';
import { useAsync } from '../../hooks.ts';
import { Prose, SchemaView, TypeLabel } from './SchemaView.tsx';
import { errorCodes, filterOperations, isErrorBody, operationsByTag, schemaAnchor, typeNode, type OpenApiDocument, type Operation } from './openapi.ts';
import './ApiReference.css';

// The HTTP API's reference, drawn from the document the server generates from its route schemas
// (GET /api/v1/openapi.json), so it always describes the server it is served by. The document
// needs no key, so neither does this page. Drawn here rather than by a third-party renderer: the
// UI's Content-Security-Policy allows no inline styles and nothing from other origins.

const OPENAPI_URL = '/api/v1/openapi.json';
const ERRORS_ANCHOR = 'errors';
// What the generator writes when a route gives its response no description: says nothing.
const DEFAULT_DESCRIPTION = 'Default Response';

export function ApiReference() {
  const doc = useAsync(() => api<OpenApiDocument>(OPENAPI_URL), []);
  const [query, setQuery] = useState('');
  const groups = useMemo(() => (doc.data ? operationsByTag(doc.data) : []), [doc.data]);
  const shown = useMemo(() => filterOperations(groups, query), [groups, query]);

  // An address with #<operation> or #schema-<name> opens that entry: when the document arrives
  // (a shared address) and when a link on the page is followed.
  useEffect(() => {
    if (!doc.data) return;
    const reveal = () => {
      const id = decodeURIComponent(window.location.hash.slice(1));
      const target = id ? document.getElementById(id) : null;
      if (target instanceof HTMLDetailsElement) target.open = true;
      target?.scrollIntoView();
    };
    reveal();
    window.addEventListener('hashchange', reveal);
    return () => window.removeEventListener('hashchange', reveal);
  }, [doc.data]);

  if (doc.error) {
    return (
      <div className="state error">
        The API description could not be loaded: {errorText(doc.error)} <button onClick={doc.reload}>Retry</button>
      </div>
    );
  }
  if (!doc.data) return <div className="state loading">Loading…</div>;
  const d = doc.data;
  const schemas = Object.entries(d.components?.schemas ?? {});
  const count = groups.reduce((n, g) => n + g.operations.length, 0);
  return (
    <div className="page api-reference" data-testid="api-reference">
      <p className="api-intro">
        <strong>{d.info?.title ?? 'API'}</strong> {d.info?.version && <span className="pill">v{d.info.version}</span>} <span className="muted">OpenAPI {d.openapi}</span>
        {d.info?.description && (
          <span className="api-desc">
            {' '}
            <Prose text={d.info.description} />
          </span>
        )} The document itself: <a href={OPENAPI_URL}>{OPENAPI_URL}</a>.
      </p>
      <div className="filters api-filter">
        <label>
          Find an operation
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="e.g. spans, post budgets" aria-label="Find an operation" />
        </label>
        <span className="muted small">
          {shown.reduce((n, g) => n + g.operations.length, 0)} of {count} operations
        </span>
      </div>
      <nav className="api-toc" aria-label="Tags">
        {shown.map((g) => (
          <a key={g.tag} href={`#tag-${g.tag}`}>
            {g.tag} <span className="muted">{g.operations.length}</span>
          </a>
        ))}
        {schemas.length > 0 && <a href="#schemas">schemas</a>}
        <a href={`#${ERRORS_ANCHOR}`}>errors</a>
      </nav>
      {shown.map((g) => (
        <section key={g.tag} id={`tag-${g.tag}`} className="api-tag">
          <h2>{g.tag}</h2>
          {g.description && (
            <p className="muted">
              <Prose text={g.description} />
            </p>
          )}
          {g.operations.map((op) => (
            <OperationView key={op.id} doc={d} op={op} />
          ))}
        </section>
      ))}
      {shown.length === 0 && <div className="state empty">No operation matches “{query}”.</div>}
      {schemas.length > 0 && (
        <section id="schemas" className="api-tag">
          <h2>Schemas</h2>
          {schemas.map(([name, schema]) => (
            <details key={name} id={schemaAnchor(name)} className="api-op">
              <summary>
                <code>{name}</code>
              </summary>
              <SchemaView doc={d} schema={schema} seen={[`#/components/schemas/${name}`]} />
            </details>
          ))}
        </section>
      )}
      <section id={ERRORS_ANCHOR} className="api-tag">
        <h2>Errors</h2>
        <p>
          A request that fails is answered with a 4xx or 5xx status and the body <TypeLabel node={typeNode({ $ref: '#/components/schemas/Error' })} />:{' '}
          <code>{'{ "error": { "code", "message", "retryable" } }'}</code>. The message says what is wrong and names the parameter or field; the code is one of:
        </p>
        <ul className="api-codes" data-testid="api-error-codes">
          {errorCodes(d).map((c) => (
            <li key={c} id={`error-${c}`}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function OperationView(props: { doc: OpenApiDocument; op: Operation }) {
  const { doc, op } = props;
  const [open, setOpen] = useState(false);
  return (
    <details id={op.id} className="api-op" data-testid={`api-op-${op.id}`} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <span className={`api-method api-method-${op.method}`}>{op.method.toUpperCase()}</span> <code className="api-path">{op.path}</code>{' '}
        <span className="api-summary">{op.summary}</span>
        {op.deprecated && <span className="pill warn">deprecated</span>}
        {!op.needsKey && <span className="pill">no key</span>}
      </summary>
      {open && <OperationDetail doc={doc} op={op} />}
    </details>
  );
}

function OperationDetail(props: { doc: OpenApiDocument; op: Operation }) {
  const { doc, op } = props;
  // The catalog's error answers share one line; the rest are shown with their bodies.
  const isFailure = (r: Operation['responses'][number]) => r.bodies.length > 0 && r.bodies.every(isErrorBody);
  const failures = op.responses.filter(isFailure);
  const answers = op.responses.filter((r) => !isFailure(r));
  return (
    <div className="api-op-body">
      {op.description && (
        <p>
          <Prose text={op.description} />
        </p>
      )}
      {op.parameters.length > 0 && (
        <>
          <h4>Parameters</h4>
          <div className="table-wrap">
            <table className="api-params">
              <thead>
                <tr>
                  <th>name</th>
                  <th>in</th>
                  <th>type</th>
                  <th>details</th>
                </tr>
              </thead>
              <tbody>
                {op.parameters.map((p) => {
                  const node = typeNode(p.schema);
                  return (
                    <tr key={`${p.in}:${p.name}`} data-testid={`api-param-${p.name}`}>
                      <td>
                        <code>{p.name}</code>
                        {p.required && (
                          <span className="api-required" title="required">
                            *
                          </span>
                        )}
                      </td>
                      <td className="muted">{p.in}</td>
                      <td>
                        <TypeLabel node={node} />
                      </td>
                      <td>
                        <Prose text={[p.description, node.description].filter(Boolean).join(' ')} /> <span className="muted">{node.notes.join(' · ')}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      {op.requestBody && (
        <>
          <h4>Request body{op.requestBody.required ? '' : ' (optional)'}</h4>
          {/* The generator repeats the schema's description here: said once, with the schema. */}
          {op.requestBody.description && !op.requestBody.bodies.some((b) => b.schema?.description === op.requestBody!.description) && (
            <p>
              <Prose text={op.requestBody.description} />
            </p>
          )}
          {op.requestBody.bodies.map((b) => (
            <div key={b.mediaType} className="api-body">
              <div className="muted small">{b.mediaType}</div>
              <SchemaView doc={doc} schema={b.schema} />
            </div>
          ))}
        </>
      )}
      <h4>Responses</h4>
      <ul className="api-responses">
        {answers.map((r) => (
          <li key={r.status}>
            <span className={`api-status api-status-${r.status[0]}`}>{r.status}</span> {r.description && r.description !== DEFAULT_DESCRIPTION && <Prose text={r.description} />}
            {r.bodies.length === 0 && <span className="muted small"> no body described</span>}
            {r.bodies.map((b) => (
              <div key={b.mediaType} className="api-body">
                <div className="muted small">{b.mediaType}</div>
                <SchemaView doc={doc} schema={b.schema} />
              </div>
            ))}
          </li>
        ))}
        {failures.length > 0 && (
          <li data-testid="api-error-responses">
            {failures.map((r) => (
              <span key={r.status} className={`api-status api-status-${r.status[0]}`}>
                {r.status}
              </span>
            ))}{' '}
            <a href={`#${ERRORS_ANCHOR}`}>an error</a> with a code from the catalog
          </li>
        )}
      </ul>
    </div>
  );
}
