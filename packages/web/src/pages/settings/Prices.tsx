import { useState, type FormEvent, type ReactNode } from 'react';
import { del, errorText, get, post } from '../../api/client.ts';
import type { PriceOverride, UnknownModel } from '../../api/types.ts';
import { Empty, Section } from '../../components/States.tsx';
import { Table } from '../../components/Table.tsx';
import { count } from '../../format.ts';
import { useAsync } from '../../hooks.ts';
import { useSearchParams } from '../../router.ts';
import { draftBody, EMPTY_DRAFT, when, type PriceDraft } from './format.ts';

// Prices (instance-wide): overrides of the catalog, and the models that have no price yet.

// Overrides without a start date are stored as starting at the epoch: "always".
const EPOCH_ISO = '1970-01-01T00:00:00.000Z';

function perMtok(v: number | null | undefined, fallback?: string): ReactNode {
  if (v === null || v === undefined) return fallback ? <span className="muted">{fallback}</span> : '—';
  return `$${v.toLocaleString('en-US', { maximumFractionDigits: 6 })}`;
}

const IMPLAUSIBLE_PER_MTOK_USD = 1000;

export function Prices(props: { canWrite: boolean; admin: boolean }) {
  const unknown = useAsync(() => get('/api/v1/pricing/unknown-models'), []);
  const overrides = useAsync(() => get('/api/v1/pricing/overrides'), []);
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
      const res = await post('/api/v1/pricing/overrides', body);
      setAdded({ model: res.override.model, recosted: res.recosted });
      setDraft(EMPTY_DRAFT);
      unknown.reload();
      overrides.reload();
    } catch (err) {
      setFormError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (o: PriceOverride) => {
    const fromFile = o.source === 'file' ? ' It comes from the overrides file, so it returns when the server restarts unless you remove it there.' : '';
    if (!window.confirm(`Delete the price override for ${o.model}${o.provider ? ` (${o.provider})` : ''}? Its calls are re-costed from the catalog.${fromFile}`)) return;
    setDeleted(null);
    try {
      const res = await del('/api/v1/pricing/overrides/{id}', { id: o.id });
      setDeleted({ text: `Override for ${o.model} deleted: ${count(res.recosted)} call${res.recosted === 1 ? '' : 's'} re-costed.`, bad: false });
      unknown.reload();
      overrides.reload();
    } catch (err) {
      setDeleted({ text: errorText(err), bad: true });
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
          Only the instance operator changes prices: an admin of the <code>default</code> project (a person with the admin role there, or its admin key), or a request from this machine without a key.
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
