import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, apiKey, type KeyScope, type Project } from '../api.ts';
import type { PageProps } from '../App.tsx';
import { Empty, Section } from '../components/States.tsx';
import { Table } from '../components/Table.tsx';
import { count, dateTime } from '../format.ts';
import { useAsync } from '../hooks.ts';
import { useSearchParams } from '../router.ts';
import './Settings.css';

// Prices (instance-wide), API keys and content capture of the project (docs/api.md).

export interface UnknownModel {
  provider: string | null;
  model: string | null;
  calls: number;
  totalTokens?: number;
  firstSeen?: string;
  lastSeen?: string;
}

export interface PriceOverride {
  id: string;
  provider: string | null;
  model: string;
  effectiveFrom: string;
  effectiveTo: string | null;
  inputPerMtokUsd: number;
  outputPerMtokUsd: number;
  cacheReadPerMtokUsd?: number | null;
  cacheWritePerMtokUsd?: number | null;
  reasoningPerMtokUsd?: number | null;
  audioPerMtokUsd?: number | null;
  source?: 'file' | 'api';
}

export interface ApiKeyInfo {
  id: string;
  projectId: string;
  prefix: string;
  scope: KeyScope;
  name: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt?: string | null;
}

type Capture = Project['project']['contentCapture'];

const CAPTURE_MODES: { value: Capture; label: string; keeps: string }[] = [
  { value: 'full', label: 'Full', keeps: 'Prompts and responses are stored with their hashes: you can read them on each call.' },
  { value: 'metadata', label: 'Metadata only', keeps: 'Only hashes of prompts and responses are kept, so duplicate prompts still show; the text is dropped.' },
  { value: 'off', label: 'Off', keeps: 'Neither text nor hashes are kept. GenAI event logs lose their message text too.' },
];

// Overrides without a start date are stored as starting at the epoch: "always".
const EPOCH_ISO = '1970-01-01T00:00:00.000Z';

function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : dateTime(ms);
}

function perMtok(v: number | null | undefined, fallback?: string): ReactNode {
  if (v === null || v === undefined) return fallback ? <span className="muted">{fallback}</span> : '—';
  return `$${v.toLocaleString('en-US', { maximumFractionDigits: 6 })}`;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function Settings(props: PageProps) {
  const admin = props.project.scope === 'admin';
  // Prices are instance-wide: only the default project's admin (the instance operator) changes them.
  const operator = admin && props.project.project.id === 'default';
  return (
    <div className="page settings">
      {!admin && <ReadOnlyNotice scope={props.project.scope} />}
      <Prices canWrite={operator} admin={admin} />
      <Keys canWrite={admin} />
      <ContentCapture project={props.project} canWrite={admin} />
    </div>
  );
}

function ReadOnlyNotice(props: { scope: KeyScope }) {
  return (
    <div className="notice settings-readonly" data-testid="read-only-notice" role="status">
      <strong>Read-only.</strong> This browser uses a key with scope <code>{props.scope}</code>: you can see these settings but not change them. To change
      them, use an admin key — the one the server printed when it first started, or a new one from{' '}
      <code>npx lookout keys create --scope admin</code> — then choose <em>Forget key</em> in the sidebar and paste it.
    </div>
  );
}

// ---- prices ----

interface PriceDraft {
  model: string;
  provider: string;
  input: string;
  output: string;
  cacheRead: string;
  cacheWrite: string;
  reasoning: string;
  audio: string;
  effectiveFrom: string;
  effectiveTo: string;
}

const IMPLAUSIBLE_PER_MTOK_USD = 1000;

const EMPTY_DRAFT: PriceDraft = { model: '', provider: '', input: '', output: '', cacheRead: '', cacheWrite: '', reasoning: '', audio: '', effectiveFrom: '', effectiveTo: '' };

// Empty optional fields are left out so the server applies its defaults; the number fields are
// sent as typed (a negative price included) so the API names what is wrong.
function draftBody(d: PriceDraft): Record<string, unknown> {
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const body: Record<string, unknown> = {
    model: d.model.trim(),
    inputPerMtokUsd: num(d.input),
    outputPerMtokUsd: num(d.output),
    cacheReadPerMtokUsd: num(d.cacheRead),
    cacheWritePerMtokUsd: num(d.cacheWrite),
    reasoningPerMtokUsd: num(d.reasoning),
    audioPerMtokUsd: num(d.audio),
  };
  if (d.provider.trim()) body.provider = d.provider.trim();
  // datetime-local has no zone; the server reads a zoneless date-time as UTC, as the labels say.
  if (d.effectiveFrom) body.effectiveFrom = d.effectiveFrom;
  if (d.effectiveTo) body.effectiveTo = d.effectiveTo;
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return body;
}

function Prices(props: { canWrite: boolean; admin: boolean }) {
  const unknown = useAsync(() => api<{ models: UnknownModel[]; hint?: string }>('/api/v1/pricing/unknown-models'), []);
  const overrides = useAsync(() => api<{ catalogVersion: string; overrides: PriceOverride[] }>('/api/v1/pricing/overrides'), []);
  const catalogVersion = overrides.data?.catalogVersion ?? null;
  // /settings?model=…&provider=… (the links from unpriced models elsewhere) opens the form filled in.
  const [search] = useSearchParams();
  const [draft, setDraft] = useState<PriceDraft>(() => ({ ...EMPTY_DRAFT, model: search.get('model') ?? '', provider: search.get('provider') ?? '' }));
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [added, setAdded] = useState<{ model: string; recosted: number } | null>(null);
  const [deleted, setDeleted] = useState<{ text: string; bad: boolean } | null>(null);

  const set = (k: keyof PriceDraft) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));

  const prefill = (m: UnknownModel) => {
    setDraft({ ...EMPTY_DRAFT, model: m.model ?? '', provider: m.provider ?? '' });
    setFormError(null);
    setAdded(null);
    const form = document.querySelector<HTMLElement>('[data-testid="price-form"]');
    form?.scrollIntoView({ behavior: 'smooth', block: 'center' });
    form?.querySelector<HTMLInputElement>('input[name="input"]')?.focus({ preventScroll: true });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // The dearest catalog models cost well under this per 1M tokens; a price above it is most
    // likely a typo (per token instead of per million, an extra zero), and it would feed spend
    // alerts and hard budgets at once.
    const body = draftBody(draft);
    const rates = Object.entries(body).filter(([k, v]) => k.endsWith('PerMtokUsd') && typeof v === 'number' && v > IMPLAUSIBLE_PER_MTOK_USD);
    if (rates.length && !window.confirm(`${rates.map(([k, v]) => `${k} $${(v as number).toLocaleString('en-US')}`).join(', ')} per 1M tokens is more than any catalog price. Save it anyway? Stored calls are re-costed with it.`)) return;
    setBusy(true);
    setFormError(null);
    setAdded(null);
    try {
      const res = await api<{ override: PriceOverride; recosted: number }>('/api/v1/pricing/overrides', { method: 'POST', body });
      setAdded({ model: res.override.model, recosted: res.recosted });
      setDraft(EMPTY_DRAFT);
      unknown.reload();
      overrides.reload();
    } catch (err) {
      setFormError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (o: PriceOverride) => {
    const fromFile = o.source === 'file' ? ' It comes from the overrides file, so it returns when the server restarts unless you remove it there.' : '';
    if (!window.confirm(`Delete the price override for ${o.model}${o.provider ? ` (${o.provider})` : ''}? Its calls are re-costed from the catalog.${fromFile}`)) return;
    setDeleted(null);
    try {
      const res = await api<{ deleted: string; recosted: number }>(`/api/v1/pricing/overrides/${encodeURIComponent(o.id)}`, { method: 'DELETE' });
      setDeleted({ text: `Override for ${o.model} deleted: ${count(res.recosted)} call${res.recosted === 1 ? '' : 's'} re-costed.`, bad: false });
      unknown.reload();
      overrides.reload();
    } catch (err) {
      setDeleted({ text: messageOf(err), bad: true });
    }
  };

  const disabled = !props.canWrite || busy;
  return (
    <div className="settings-block" data-testid="settings-prices">
      <h2 className="row-title">Prices</h2>
      <p className="muted settings-lead" data-testid="price-source">
        Costs come from the <code>@pydantic/genai-prices</code> catalog bundled with this server
        {catalogVersion ? (
          <>
            {' '}
            (<code>{catalogVersion}</code>)
          </>
        ) : null}
        . A price override below wins over the catalog for calls that start inside its effective window. A model neither knows has an unknown cost — not
        $0 — until you add a price. Prices are instance-wide: they apply to every project.
      </p>
      {props.admin && !props.canWrite && (
        <div className="notice" data-testid="prices-operator-notice">
          Only the instance operator changes prices: an admin key of the <code>default</code> project (or a request from this machine without a key).
        </div>
      )}
      <div className="settings-stack">
        <Section
          title="Models without a price"
          state={unknown}
          empty={(d) => d.models.length === 0}
          emptyText="Every model seen so far has a price."
          testId="unknown-models"
          wide
        >
          {(d) => (
            <Table
              rows={d.models}
              rowKey={(m) => `${m.provider ?? ''}/${m.model ?? ''}`}
              initialSort={{ key: 'calls', dir: 'desc' }}
              columns={[
                { key: 'model', label: 'Model', render: (m) => <code>{m.model ?? '(none)'}</code> },
                { key: 'provider', label: 'Provider', render: (m) => m.provider ?? <span className="muted">(none)</span> },
                { key: 'calls', label: 'Calls', align: 'right', render: (m) => count(m.calls) },
                ...(d.models.some((m) => m.totalTokens !== undefined)
                  ? [{ key: 'totalTokens', label: 'Tokens', align: 'right' as const, render: (m: UnknownModel) => count(m.totalTokens) }]
                  : []),
                { key: 'firstSeen', label: 'First seen', render: (m) => when(m.firstSeen) },
                { key: 'lastSeen', label: 'Last seen', render: (m) => when(m.lastSeen) },
                {
                  key: 'action',
                  label: '',
                  sortValue: () => null,
                  render: (m) => (
                    <button className="settings-row-action" data-testid="unknown-add-price" disabled={!props.canWrite} onClick={() => prefill(m)}>
                      Add price
                    </button>
                  ),
                },
              ]}
            />
          )}
        </Section>

        <section className="panel wide">
          <header>
            <h3>Add a price</h3>
            <span className="muted small">USD per 1 million tokens</span>
          </header>
          <form className="settings-price-form" data-testid="price-form" onSubmit={submit} noValidate>
            <fieldset disabled={disabled}>
              <div className="form-row">
                <label>
                  Model *
                  <input name="model" value={draft.model} onChange={set('model')} placeholder="acme-llm-1 or acme-*" className="settings-wide-input" />
                </label>
                <label>
                  Provider
                  <input name="provider" value={draft.provider} onChange={set('provider')} placeholder="any provider" />
                </label>
              </div>
              <div className="form-row">
                <label>
                  Input $ / 1M *
                  <input name="input" type="number" step="any" inputMode="decimal" value={draft.input} onChange={set('input')} placeholder="e.g. 1.00" />
                </label>
                <label>
                  Output $ / 1M *
                  <input name="output" type="number" step="any" inputMode="decimal" value={draft.output} onChange={set('output')} placeholder="e.g. 3.00" />
                </label>
                <label>
                  Cache read $ / 1M
                  <input name="cacheRead" type="number" step="any" inputMode="decimal" value={draft.cacheRead} onChange={set('cacheRead')} placeholder="= input" />
                </label>
                <label>
                  Cache write $ / 1M
                  <input name="cacheWrite" type="number" step="any" inputMode="decimal" value={draft.cacheWrite} onChange={set('cacheWrite')} placeholder="= input" />
                </label>
                <label>
                  Reasoning $ / 1M
                  <input name="reasoning" type="number" step="any" inputMode="decimal" value={draft.reasoning} onChange={set('reasoning')} placeholder="= output" />
                </label>
                <label>
                  Audio $ / 1M
                  <input name="audio" type="number" step="any" inputMode="decimal" value={draft.audio} onChange={set('audio')} placeholder="= input" />
                </label>
              </div>
              <div className="form-row">
                <label>
                  Effective from (UTC, optional)
                  <input name="effectiveFrom" type="datetime-local" value={draft.effectiveFrom} onChange={set('effectiveFrom')} />
                </label>
                <label>
                  Effective to (UTC, exclusive, optional)
                  <input name="effectiveTo" type="datetime-local" value={draft.effectiveTo} onChange={set('effectiveTo')} />
                </label>
                <button type="submit" className="primary" data-testid="price-submit">
                  {busy ? 'Saving and re-costing…' : 'Add price'}
                </button>
              </div>
            </fieldset>
            <p className="muted small settings-hint">
              A model ending in <code>*</code> is a prefix (<code>acme-*</code> prices every <code>acme-</code> model without a price). Calls of the model are
              re-costed as soon as the price is saved.
            </p>
            {formError && (
              <div className="notice bad" data-testid="price-error" role="alert">
                {formError}
              </div>
            )}
            {added && (
              <div className="notice settings-ok" data-testid="price-recosted" role="status">
                Price for <code>{added.model}</code> saved: {count(added.recosted)} call{added.recosted === 1 ? '' : 's'} re-costed.
              </div>
            )}
          </form>
        </section>

        <Section
          title="Overrides in force"
          state={overrides}
          testId="overrides-table"
          wide
        >
          {(d) => (
            <>
              {/* Outside the empty state: deleting the last override still reports what was re-costed. */}
              {deleted && (
                <div className={`notice${deleted.bad ? ' bad' : ' settings-ok'}`} data-testid="override-deleted" role="status">
                  {deleted.text}
                </div>
              )}
              {d.overrides.length === 0 ? (
                <Empty>No price overrides: every cost comes from the catalog. Add one above for a model the catalog lacks or prices differently for you.</Empty>
              ) : (
                <Table
                  rows={d.overrides}
                  rowKey={(o) => o.id}
                  columns={[
                    { key: 'model', label: 'Model', render: (o) => <code>{o.model}</code> },
                    { key: 'provider', label: 'Provider', render: (o) => o.provider ?? <span className="muted">any</span> },
                    { key: 'inputPerMtokUsd', label: 'Input', align: 'right', render: (o) => perMtok(o.inputPerMtokUsd) },
                    { key: 'outputPerMtokUsd', label: 'Output', align: 'right', render: (o) => perMtok(o.outputPerMtokUsd) },
                    { key: 'cacheReadPerMtokUsd', label: 'Cache read', align: 'right', render: (o) => perMtok(o.cacheReadPerMtokUsd, '= input') },
                    { key: 'cacheWritePerMtokUsd', label: 'Cache write', align: 'right', render: (o) => perMtok(o.cacheWritePerMtokUsd, '= input') },
                    { key: 'reasoningPerMtokUsd', label: 'Reasoning', align: 'right', render: (o) => perMtok(o.reasoningPerMtokUsd, '= output') },
                    { key: 'audioPerMtokUsd', label: 'Audio', align: 'right', render: (o) => perMtok(o.audioPerMtokUsd, '= input') },
                    {
                      key: 'effectiveFrom',
                      label: 'Effective',
                      render: (o) => (
                        <span className="small">
                          {o.effectiveFrom === EPOCH_ISO ? 'always' : `from ${when(o.effectiveFrom)}`}
                          {o.effectiveTo ? ` until ${when(o.effectiveTo)}` : ''}
                        </span>
                      ),
                    },
                    { key: 'source', label: 'Source', render: (o) => <span className="pill">{o.source === 'file' ? 'file' : 'API'}</span> },
                    {
                      key: 'action',
                      label: '',
                      sortValue: () => null,
                      render: (o) => (
                        <button className="danger settings-row-action" data-testid="override-delete" disabled={!props.canWrite} onClick={() => void remove(o)}>
                          Delete
                        </button>
                      ),
                    },
                  ]}
                />
              )}
            </>
          )}
        </Section>
      </div>
    </div>
  );
}

// ---- API keys ----

function Keys(props: { canWrite: boolean }) {
  // Listing keys needs an admin key too; a read key would only get a 403 here.
  const keys = useAsync(() => (props.canWrite ? api<{ keys: ApiKeyInfo[] }>('/api/v1/keys') : Promise.resolve({ keys: [] as ApiKeyInfo[] })), [props.canWrite]);
  const [scope, setScope] = useState<KeyScope>('ingest');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<(ApiKeyInfo & { key: string }) | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoked, setRevoked] = useState<{ text: string; bad: boolean } | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setCreated(null);
    setCopied(false);
    try {
      const res = await api<ApiKeyInfo & { key: string }>('/api/v1/keys', { method: 'POST', body: { scope, name: name.trim() || null } });
      setCreated(res);
      setName('');
      keys.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (k: ApiKeyInfo) => {
    const own = apiKey()?.startsWith(k.prefix) ? ' This looks like the key this browser is using: the page stops working with it.' : '';
    if (!window.confirm(`Revoke the ${k.scope} key ${k.name ? `"${k.name}" ` : ''}(${k.prefix}…)? Anything using it is refused within 30 s.${own}`)) return;
    setRevoked(null);
    try {
      await api<{ revoked: string }>(`/api/v1/keys/${encodeURIComponent(k.id)}`, { method: 'DELETE' });
      setRevoked({ text: `Key ${k.prefix}… revoked; it stops working within 30 s.`, bad: false });
      keys.reload();
    } catch (err) {
      setRevoked({ text: messageOf(err), bad: true });
    }
  };

  const copy = () => {
    if (!created) return;
    void navigator.clipboard?.writeText(created.key).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };

  return (
    <div className="settings-block" data-testid="settings-keys">
      <h2 className="row-title">API keys</h2>
      <div className="settings-keys-grid">
        <section className="panel">
          <header>
            <h3>Create a key</h3>
          </header>
          <form className="form-row settings-key-form" data-testid="key-form" onSubmit={create}>
            <label>
              Scope
              <select name="scope" value={scope} onChange={(e) => setScope(e.target.value as KeyScope)} disabled={!props.canWrite || busy}>
                <option value="ingest">ingest — send data only</option>
                <option value="read">read — dashboards and API reads</option>
                <option value="admin">admin — read, change settings, manage keys</option>
              </select>
            </label>
            <label>
              Name
              <input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. checkout-service" maxLength={200} disabled={!props.canWrite || busy} />
            </label>
            <button type="submit" className="primary" data-testid="key-create" disabled={!props.canWrite || busy}>
              {busy ? 'Creating…' : 'Create key'}
            </button>
          </form>
          {error && (
            <div className="notice bad" data-testid="key-error" role="alert">
              {error}
            </div>
          )}
          {created && (
            <div className="settings-key-created" data-testid="key-created" role="status">
              <div className="settings-key-warning">
                <strong>Copy this key now: it will not be shown again.</strong> Lookout keeps only a hash of it.
              </div>
              <div className="settings-key-value">
                <code data-testid="key-created-value">{created.key}</code>
                <button onClick={copy} data-testid="key-copy">
                  {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
              <div className="muted small">
                {created.scope} key{created.name ? ` "${created.name}"` : ''}. Send it as <code>Authorization: Bearer &lt;key&gt;</code>
                {created.scope === 'ingest' ? <> (or <code>x-lookout-key</code> through the gateway)</> : null}.{' '}
                <button className="link" onClick={() => setCreated(null)}>
                  I have stored it
                </button>
              </div>
            </div>
          )}
        </section>

        <Section
          title="Keys of this project"
          state={keys}
          empty={(d) => d.keys.length === 0}
          emptyText={
            props.canWrite ? (
              'No keys yet. On this machine requests without a key act as admin; create keys for apps and for anyone reaching the server from elsewhere.'
            ) : (
              'Listing and managing keys needs an admin key.'
            )
          }
          testId="keys-table"
        >
          {(d) => (
            <>
              {revoked && (
                <div className={`notice${revoked.bad ? ' bad' : ' settings-ok'}`} data-testid="key-revoked" role="status">
                  {revoked.text}
                </div>
              )}
              <Table
                rows={d.keys}
                rowKey={(k) => k.id}
                initialSort={{ key: 'createdAt', dir: 'desc' }}
                columns={[
                  { key: 'name', label: 'Name', render: (k) => k.name ?? <span className="muted">(unnamed)</span> },
                  { key: 'prefix', label: 'Prefix', render: (k) => <code>{k.prefix}…</code> },
                  { key: 'scope', label: 'Scope', render: (k) => <span className={`pill${k.scope === 'admin' ? ' warn' : ''}`}>{k.scope}</span> },
                  { key: 'createdAt', label: 'Created', render: (k) => when(k.createdAt) },
                  // The API does not report when a key was last used (yet); show it only if it does.
                  ...(d.keys.some((k) => k.lastUsedAt !== undefined)
                    ? [{ key: 'lastUsedAt', label: 'Last used', render: (k: ApiKeyInfo) => (k.lastUsedAt ? when(k.lastUsedAt) : 'never') }]
                    : []),
                  {
                    key: 'revokedAt',
                    label: 'Status',
                    render: (k) => (k.revokedAt ? <span className="pill bad">revoked {when(k.revokedAt)}</span> : <span className="pill good">active</span>),
                  },
                  {
                    key: 'action',
                    label: '',
                    sortValue: () => null,
                    render: (k) =>
                      k.revokedAt ? null : (
                        <button className="danger settings-row-action" data-testid="key-revoke" disabled={!props.canWrite} onClick={() => void revoke(k)}>
                          Revoke
                        </button>
                      ),
                  },
                ]}
              />
            </>
          )}
        </Section>
      </div>
    </div>
  );
}

// ---- content capture ----

function ContentCapture(props: { project: Project; canWrite: boolean }) {
  const [current, setCurrent] = useState<Capture>(props.project.project.contentCapture);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ text: string; bad: boolean } | null>(null);
  useEffect(() => setCurrent(props.project.project.contentCapture), [props.project.project.contentCapture]);

  const change = async (mode: Capture) => {
    if (mode === current) return;
    setBusy(true);
    setStatus(null);
    try {
      await api('/api/v1/project', { method: 'PATCH', body: { contentCapture: mode } });
      const fresh = await api<Project>('/api/v1/project');
      setCurrent(fresh.project.contentCapture);
      setStatus({ text: `Saved: content capture is now "${fresh.project.contentCapture}" for calls received from now on.`, bad: false });
      // The app shell keeps its own copy of the project; this makes it fetch it again.
      window.dispatchEvent(new Event('lookout:auth'));
    } catch (err) {
      setStatus({ text: messageOf(err), bad: true });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="settings-block">
      <h2 className="row-title">Content capture</h2>
      <section className="panel" data-testid="content-capture">
        <header>
          <h3>What this project keeps of prompts and responses</h3>
        </header>
        <p className="muted small settings-capture-lead">
          Applies to calls received from now on, on every ingest path (SDK, OpenTelemetry, gateway). Stored calls keep what they have.
        </p>
        <fieldset className="settings-capture" disabled={!props.canWrite || busy} aria-label="Content capture">
          {CAPTURE_MODES.map((m) => (
            <label key={m.value} className={`settings-capture-option${current === m.value ? ' selected' : ''}`}>
              <input type="radio" name="contentCapture" value={m.value} checked={current === m.value} onChange={() => void change(m.value)} data-testid={`capture-${m.value}`} />
              <span>
                <strong>{m.label}</strong> <code className="muted">{m.value}</code>
                <br />
                <span className="muted small">{m.keeps}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {status && (
          <div className={`notice${status.bad ? ' bad' : ' settings-ok'}`} data-testid="capture-status" role="status">
            {status.text}
          </div>
        )}
        <p className="muted small">
          Command line: <code>npx lookout content-capture [full|metadata|off]</code>
        </p>
      </section>
    </div>
  );
}
