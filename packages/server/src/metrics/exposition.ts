// /metrics in the format the scraper asks for. The classic Prometheus text format is the default;
// OpenMetrics, which alone carries exemplars (a trace id on a histogram bucket), is served when
// the Accept header prefers it, as Prometheus does. One set of metrics serves both: prom-client
// renames a counter in place when an OpenMetrics registry renders it (it drops the `_total` its
// name ends with and appends it to each sample), so the OpenMetrics rendering goes through views
// that carry the OpenMetrics name and leave the shared metric alone.
import { Registry, type Metric, type OpenMetricsContentType } from 'prom-client';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

const OPENMETRICS_MEDIA_TYPE = 'application/openmetrics-text';

// The media types of an Accept header with their quality; a malformed q counts as 0.
function acceptQualities(accept: string): Map<string, number> {
  const qualities = new Map<string, number>();
  for (const range of accept.split(',')) {
    const [mediaType, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (!mediaType) continue;
    let q = 1;
    for (const param of params) {
      if (!param.startsWith('q=')) continue;
      const parsed = Number(param.slice(2));
      q = Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : 0;
    }
    qualities.set(mediaType, Math.max(qualities.get(mediaType) ?? 0, q));
  }
  return qualities;
}

export function expositionFormatFor(accept: string | undefined): ExpositionFormat {
  if (!accept) return 'prometheus';
  const qualities = acceptQualities(accept);
  const openMetrics = qualities.get(OPENMETRICS_MEDIA_TYPE) ?? 0;
  if (openMetrics === 0) return 'prometheus';
  const classic = Math.max(qualities.get('text/plain') ?? 0, qualities.get('text/*') ?? 0);
  // A tie goes to the classic format: a client that lists both equally has not asked for exemplars.
  return openMetrics > classic ? 'openmetrics' : 'prometheus';
}

interface MetricData {
  name: string;
  type: string;
}
// What prom-client's registry reads of a metric to render it (its declared types cover less).
interface RenderableMetric {
  name: string;
  type: string;
  get(): Promise<MetricData>;
  getForPromString?(): Promise<MetricData>;
}

function openMetricsView(metric: RenderableMetric): RenderableMetric {
  const name = metric.type === 'counter' ? metric.name.replace(/_total$/, '') : metric.name;
  const read = async (): Promise<MetricData> => {
    const data = await (typeof metric.getForPromString === 'function' ? metric.getForPromString() : metric.get());
    return { ...data, name };
  };
  return { name, type: metric.type, get: read, getForPromString: read };
}

export async function renderMetrics(registry: Registry, format: ExpositionFormat): Promise<{ contentType: string; body: string }> {
  if (format === 'prometheus') return { contentType: registry.contentType, body: await registry.metrics() };
  const openMetrics = new Registry<OpenMetricsContentType>();
  openMetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  for (const metric of registry.getMetricsAsArray() as unknown as RenderableMetric[]) {
    openMetrics.registerMetric(openMetricsView(metric) as unknown as Metric);
  }
  return { contentType: openMetrics.contentType, body: await openMetrics.metrics() };
}
