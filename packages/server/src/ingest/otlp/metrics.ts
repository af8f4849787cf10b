import { createHash } from 'node:crypto';
import type { MetricPointRecord } from '../../domain/metric.ts';
import type { OtlpMetricPoint } from './metric-types.ts';
import { nanosToMicros } from './conventions/attributes.ts';
import { attrText } from './values.ts';

const MAX_ATTRIBUTES = 64;
const MAX_VALUE_CHARS = 1_000;


// An OTLP data point to the stored record. The id is derived from the series and the point's
// timestamps, so an exporter's retry stores nothing new.
export function metricPointFromOtlp(p: OtlpMetricPoint, projectId: string): MetricPointRecord {
  const attributes: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.attributes).slice(0, MAX_ATTRIBUTES)) attributes[k] = attrText(v, MAX_VALUE_CHARS);
  const service = p.resource.attributes['service.name'];
  const startUs = p.startTimeUnixNano && p.startTimeUnixNano !== '0' ? nanosToMicros(p.startTimeUnixNano) : null;
  const timeUs = nanosToMicros(p.timeUnixNano) ?? 0;
  const record: MetricPointRecord = {
    projectId,
    id: '',
    name: p.name,
    unit: p.unit,
    kind: p.kind,
    temporality: p.temporality,
    attributes,
    service: typeof service === 'string' ? service : null,
    startUs,
    timeUs,
    value: p.value,
    count: p.histogram?.count ?? null,
    sum: p.histogram?.sum ?? null,
    min: p.histogram?.min ?? null,
    max: p.histogram?.max ?? null,
    bucketCounts: p.histogram?.bucketCounts ?? [],
    bounds: p.histogram?.explicitBounds ?? [],
  };
  const series = JSON.stringify([p.name, record.service, Object.entries(attributes).sort()]);
  record.id = createHash('sha256').update(`${series}\u0000${startUs}\u0000${timeUs}`).digest('hex').slice(0, 32);
  return record;
}
