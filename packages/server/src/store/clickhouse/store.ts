import { randomUUID } from 'node:crypto';
import type { ClickHouseConfig } from '../../config/config.ts';
import type { SpanRecord } from '../../domain/span.ts';
import type { MetricPointRecord } from '../../domain/metric.ts';
import type { AnalyticsBackend } from '../../query/contract.ts';
import type { RepriceOptions } from '../reprice.ts';
import type {
  CallAggregateRange,
  CallAggregateRow,
  ContentCapture,
  ContentPurge,
  KeyScope,
  LoadFiles,
  Page,
  ProjectId,
  ReadRefusal,
  ScoreAggregateRow,
  ScoreFilter,
  SpanFilter,
  SpendQuery,
  Store,
  StoredPriceOverride,
  WriteBatch,
  EventCursor,
  MetricPointCursor,
  SpanCursor,
  StoredApiKey,
} from '../store.ts';
import { Ch } from './client.ts';
import { migrate } from './migrate.ts';
import { ChEvents } from './events.ts';
import { ChSpanReads } from './span-reads.ts';
import { ChMetricPoints } from './metric-points.ts';
import { ChAnalytics } from './analytics.ts';
import { ChRollupSources } from './rollup-sources.ts';
import { ChControlPlane } from './control-plane.ts';
import { ChPrompts } from './prompts.ts';
import { CachedPromptRegistry } from '../prompt-cache.ts';
import { ChPeople } from './people.ts';
import { ChAudit } from './audit.ts';
import { ChCostMaintenance } from './cost-maintenance.ts';
import { ChContentMaintenance } from './content-maintenance.ts';
import { ChDocuments } from './documents.ts';
import { ChExport } from './export.ts';
import { ChProjectExport } from './project-export.ts';
import { ChSecurityEvents } from './security-events.ts';
import { ChQuality } from './quality.ts';
import { aggregateRetrievalCh } from './drift.ts';
import type { RetrievalAggregateRange } from '../drift.ts';
import { promptRepeatsCh } from './prompt-repeats.ts';
import type { PromptRepeatQuery } from '../prompt-repeats.ts';
import { experimentGroupsCh } from './experiments.ts';
import type { ExperimentQuery } from '../experiments.ts';
import { ChHourTotals } from './hour-totals.ts';
import { catalogContextWindow, type ContextWindowOf } from '../context-windows.ts';
import { ChErasure } from './erasure.ts';
import { ChRetention } from './retention.ts';

// The ClickHouse backend: one implementation per concern of the store contract, over one
// connection set (client.ts) and one schema (schema.ts).

export interface ClickHouseStoreOptions {
  queryTimeoutMs: number;
  // storage.readConnections: how many reads one project runs at once (all but two, at least one).
  readConnections?: number;
  onReadRefused?: (reason: ReadRefusal) => void;
  // 'manual': the hourly totals are refreshed only by refreshHourTotals() (tests, benchmarks).
  hourTotals?: 'auto' | 'manual';
  // C4: the models' context windows (the catalog's when absent).
  contextWindowOf?: ContextWindowOf;
}

// How long a node answers a resolved prompt version from memory.
const PROMPT_CACHE_MS = 1_000;

export class ClickHouseStore implements Store {
  readonly backend = 'clickhouse';
  // Several Lookout nodes may load into the same database.
  readonly sharedWriters = true;
  readonly ch: Ch;
  readonly analytics: AnalyticsBackend;
  // Alert, budget and action state, shared by the nodes on this database.
  readonly documents: ChDocuments;
  // One project's records as a CSV, JSONL or Parquet download (project-export.ts).
  readonly projectExport: ChProjectExport;
  readonly erasure: ChErasure;
  readonly retention: ChRetention;
  // Resolved versions stay in memory for a second: other nodes' writes show within it.
  readonly prompts: CachedPromptRegistry;
  // E4: people, their roles and sessions; the audit log.
  readonly people: ChPeople;
  readonly audit: ChAudit;
  private readonly events: ChEvents;
  private readonly reads: ChSpanReads;
  private readonly metrics: ChMetricPoints;
  private readonly rollups: ChRollupSources;
  private readonly control: ChControlPlane;
  private readonly costs: ChCostMaintenance;
  private readonly content: ChContentMaintenance;
  private readonly exporter: ChExport;
  private readonly securityEvents: ChSecurityEvents;
  private readonly quality: ChQuality;
  private readonly hours: ChHourTotals;

  private constructor(ch: Ch, windowOf: ContextWindowOf) {
    this.ch = ch;
    this.documents = new ChDocuments(ch);
    // Who holds the hourly totals' lease: this store, until it closes.
    this.hours = new ChHourTotals(ch, this.documents, randomUUID());
    this.events = new ChEvents(ch, this.hours);
    this.reads = new ChSpanReads(ch);
    this.metrics = new ChMetricPoints(ch);
    this.analytics = new ChAnalytics(ch, this.hours, windowOf);
    this.rollups = new ChRollupSources(ch, windowOf);
    this.control = new ChControlPlane(ch);
    this.costs = new ChCostMaintenance(ch, this.hours);
    this.content = new ChContentMaintenance(ch);
    this.exporter = new ChExport(ch);
    this.projectExport = new ChProjectExport(ch);
    this.securityEvents = new ChSecurityEvents(ch);
    this.quality = new ChQuality(ch, this.analytics);
    this.erasure = new ChErasure(ch, this.hours);
    this.retention = new ChRetention(ch, this.hours, this.content, this.documents);
    this.prompts = new CachedPromptRegistry(new ChPrompts(ch, this.documents), { maxAgeMs: PROMPT_CACHE_MS });
    this.people = new ChPeople(ch, this.documents);
    this.audit = new ChAudit(ch);
  }

  // Connects to every listed endpoint and brings the schema up to date.
  static async open(config: ClickHouseConfig, options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
    const ch = new Ch(config, options);
    try {
      await migrate(ch);
    } catch (err) {
      await ch.close();
      throw err;
    }
    const store = new ClickHouseStore(ch, options.contextWindowOf ?? catalogContextWindow);
    if (options.hourTotals !== 'manual') store.hours.start();
    return store;
  }

  // Sums the hours over by an hour at `nowMs` and the dirty ones again (hour-totals.ts); false
  // when another node holds the lease. Runs every minute by itself; tests call it with their clock.
  refreshHourTotals(nowMs = Date.now()): Promise<boolean> {
    return this.hours.refresh(nowMs);
  }

  // Events
  write(batch: WriteBatch) { return this.events.write(batch); }
  findStored(batch: WriteBatch) { return this.events.findStored(batch); }
  latestSpanStartUs() { return this.events.latestSpanStartUs(); }
  encode(batch: WriteBatch, ingestedAtUs: number) { return this.events.encode(batch, ingestedAtUs); }
  load(files: LoadFiles, spanWindowUs: [number, number] | null, options?: { replay?: boolean }) { return this.events.load(files, spanWindowUs, options); }

  // Span, trace, score and log reads
  listSpans(project: ProjectId, filter: SpanFilter, page: Page, options?: { total?: boolean }) { return this.reads.listSpans(project, filter, page, options); }
  getSpan(project: ProjectId, spanId: string) { return this.reads.getSpan(project, spanId); }
  getTrace(project: ProjectId, traceId: string, limit?: number, options?: { content?: boolean }) { return this.reads.getTrace(project, traceId, limit, options); }
  listTraces(project: ProjectId, filter: SpanFilter, page: Page, options?: { total?: boolean }) { return this.reads.listTraces(project, filter, page, options); }
  listScores(project: ProjectId, filter: ScoreFilter, page: Page) { return this.reads.listScores(project, filter, page); }
  countScores(project: ProjectId, filter: ScoreFilter) { return this.reads.countScores(project, filter); }
  listLogs(project: ProjectId, filter: { traceId?: string }, page: Page) { return this.reads.listLogs(project, filter, page); }

  // OTLP metric points
  writeMetricPoints(points: MetricPointRecord[]) { return this.metrics.writeMetricPoints(points); }
  listMetricNames(project: ProjectId, range: { fromMs: number; toMs: number }) { return this.metrics.listMetricNames(project, range); }
  metricPoints(project: ProjectId, name: string, range: { fromMs: number; toMs: number }, limit: number) { return this.metrics.metricPoints(project, name, range, limit); }

  // Rollup sources
  contextWindows(fromMs: number) { return this.rollups.contextWindows(fromMs); }
  aggregateCalls(range: CallAggregateRange) { return this.rollups.aggregateCalls(range); }
  aggregateScores(range: { fromMs: number; bucketMs: number }) { return this.rollups.aggregateScores(range); }
  eachCallAggregate(range: CallAggregateRange, visit: (rows: CallAggregateRow[]) => void) { return this.rollups.eachCallAggregate(range, visit); }
  eachScoreAggregate(range: { fromMs: number; bucketMs: number }, visit: (rows: ScoreAggregateRow[]) => void) { return this.rollups.eachScoreAggregate(range, visit); }
  aggregateRetrieval(range: RetrievalAggregateRange) { return aggregateRetrievalCh(this.ch, range); }
  promptRepeats(project: ProjectId, q: PromptRepeatQuery) { return promptRepeatsCh(this.ch, project, q); }
  experimentGroups(project: ProjectId, q: ExperimentQuery) { return experimentGroupsCh(this.ch, project, q); }
  spendByAttribution(project: ProjectId, query: SpendQuery) { return this.rollups.spendByAttribution(project, query); }

  // Control plane
  listProjects() { return this.control.listProjects(); }
  createProject(id: ProjectId, name: string) { return this.control.createProject(id, name); }
  setContentCapture(project: ProjectId, mode: ContentCapture) { return this.control.setContentCapture(project, mode); }
  createApiKey(project: ProjectId, scope: KeyScope, name: string | null) { return this.control.createApiKey(project, scope, name); }
  resolveApiKey(key: string) { return this.control.resolveApiKey(key); }
  listApiKeys(project: ProjectId) { return this.control.listApiKeys(project); }
  revokeApiKey(project: ProjectId, keyId: string) { return this.control.revokeApiKey(project, keyId); }
  countApiKeys() { return this.control.countApiKeys(); }
  // The project's prompts and the roles people had in it go first: a deletion stopped in between
  // runs again while the row is gone.
  async deleteProject(project: ProjectId) {
    await this.prompts.deleteProjectPrompts(project);
    await this.people.removeProjectMemberships(project);
    return this.control.deleteProject(project);
  }
  listPriceOverrides() { return this.control.listPriceOverrides(); }
  upsertPriceOverride(override: StoredPriceOverride) { return this.control.upsertPriceOverride(override); }
  deletePriceOverride(id: string) { return this.control.deletePriceOverride(id); }

  // Cost and content maintenance
  listUnknownModels(project: ProjectId) { return this.costs.listUnknownModels(project); }
  reprice(price: (span: SpanRecord) => SpanRecord['cost'], options: RepriceOptions) { return this.costs.reprice(price, options); }
  purgeContent(project: ProjectId, purge: ContentPurge) { return this.content.purgeContent(project, purge); }

  // The security event log
  listSecurityEvents(...args: Parameters<ChSecurityEvents['listSecurityEvents']>) { return this.securityEvents.listSecurityEvents(...args); }
  securityEventCounts(...args: Parameters<ChSecurityEvents['securityEventCounts']>) { return this.securityEvents.securityEventCounts(...args); }

  // Top issues and health inputs
  topErrors(...args: Parameters<ChQuality['topErrors']>) { return this.quality.topErrors(...args); }
  lowScores(...args: Parameters<ChQuality['lowScores']>) { return this.quality.lowScores(...args); }
  healthInputs(...args: Parameters<ChQuality['healthInputs']>) { return this.quality.healthInputs(...args); }

  // Export (moving an install between backends)
  exportSpans(after: SpanCursor | null, limit: number) { return this.exporter.exportSpans(after, limit); }
  exportScores(after: EventCursor | null, limit: number) { return this.exporter.exportScores(after, limit); }
  exportLogs(after: EventCursor | null, limit: number) { return this.exporter.exportLogs(after, limit); }
  exportMetricPoints(after: MetricPointCursor | null, limit: number) { return this.exporter.exportMetricPoints(after, limit); }
  exportApiKeys() { return this.exporter.exportApiKeys(); }
  importApiKeys(keys: StoredApiKey[]) { return this.exporter.importApiKeys(keys); }

  async close(): Promise<void> {
    await this.hours.stop();
    await this.ch.close();
  }
}
