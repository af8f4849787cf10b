import { useState } from 'react';
import { codeSpans, expandable, resolveRef, schemaAnchor, typeLabel, typeNode, type JsonSchema, type OpenApiDocument, type TypeNode } from './openapi.ts';

// A schema as a tree to read: each level shows its properties with their types and constraints;
// a reference to a named schema is a link to it and opens in place on demand, so a schema that
// refers to itself is only drawn as deep as the reader opens it.

// A description, with its `code` set as code.
export function Prose(props: { text: string }) {
  return (
    <>
      {codeSpans(props.text).map((p, i) => (p.code ? <code key={i}>{p.text}</code> : <span key={i}>{p.text}</span>))}
    </>
  );
}

function Notes(props: { node: TypeNode }) {
  const { node } = props;
  if (!node.description && node.notes.length === 0) return null;
  return (
    <span className="api-notes">
      {node.description && (
        <span className="api-desc">
          <Prose text={node.description} />
        </span>
      )}
      {node.notes.map((n) => (
        <span key={n} className="api-note">
          {n}
        </span>
      ))}
    </span>
  );
}

// The type's one-line label, with named schemas as links to their section.
export function TypeLabel(props: { node: TypeNode }) {
  return (
    <code className="api-type">
      <LabelParts node={props.node} />
    </code>
  );
}

function LabelParts(props: { node: TypeNode }) {
  const { node } = props;
  const suffix = node.nullable ? ' | null' : '';
  if (node.kind === 'ref') {
    return (
      <>
        <a href={`#${schemaAnchor(node.name)}`}>{node.name}</a>
        {suffix}
      </>
    );
  }
  if (node.kind === 'array' && node.items?.kind === 'ref' && !node.items.nullable) {
    return (
      <>
        <LabelParts node={node.items} />
        []{suffix}
      </>
    );
  }
  return <>{typeLabel(node)}</>;
}

// What lies under a node: an object's properties, an array's items, a union's variants, or the
// target of a reference.
function Children(props: { doc: OpenApiDocument; node: TypeNode; seen: readonly string[] }) {
  const { doc, node, seen } = props;
  switch (node.kind) {
    case 'ref': {
      if (seen.includes(node.ref)) return <div className="muted small">{node.name} again (see above)</div>;
      const target = resolveRef(doc, node.ref) as JsonSchema | null;
      if (!target) return <div className="muted small">{node.ref} is not in the document</div>;
      return <Children doc={doc} node={typeNode(target)} seen={[...seen, node.ref]} />;
    }
    case 'object':
      return (
        <ul className="api-props">
          {node.properties.map((p) => (
            <Field key={p.name} doc={doc} name={p.name} required={p.required} node={p.node} seen={seen} />
          ))}
          {node.additional && <Field doc={doc} name={`[${node.keys ? typeLabel(node.keys) : 'string'}]`} required={false} node={node.additional} seen={seen} other />}
          {node.properties.length === 0 && !node.additional && <li className="muted small">no properties</li>}
        </ul>
      );
    case 'array':
      return node.items ? <Children doc={doc} node={node.items} seen={seen} /> : null;
    case 'union':
      return (
        <ul className="api-props">
          {node.variants.map((v, i) => (
            <Field key={i} doc={doc} name={node.all ? 'and' : 'or'} required={false} node={v} seen={seen} other />
          ))}
        </ul>
      );
    default:
      return null;
  }
}

// One property (or map value, or union variant): name, type, constraints; opens when it has parts.
function Field(props: { doc: OpenApiDocument; name: string; required: boolean; node: TypeNode; seen: readonly string[]; other?: boolean }) {
  const { doc, name, required, node, seen } = props;
  const [open, setOpen] = useState(false);
  const head = (
    <>
      <span className={props.other ? 'api-prop-name muted' : 'api-prop-name'}>{name}</span>
      {required && <span className="api-required" title="required">*</span>} <TypeLabel node={node} /> <Notes node={node} />
    </>
  );
  if (!expandable(node)) return <li className="api-prop">{head}</li>;
  return (
    <li className="api-prop">
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>{head}</summary>
        {open && <Children doc={doc} node={node} seen={seen} />}
      </details>
    </li>
  );
}

// A whole schema: its type on one line and its parts open, one level deep.
export function SchemaView(props: { doc: OpenApiDocument; schema: JsonSchema | null; seen?: readonly string[] }) {
  const node = typeNode(props.schema);
  return (
    <div className="api-schema">
      <div>
        <TypeLabel node={node} /> <Notes node={node} />
      </div>
      {expandable(node) && <Children doc={props.doc} node={node} seen={props.seen ?? []} />}
    </div>
  );
}
