import { describe, expect, it } from 'vitest';
import { metricSum, parsePrometheus } from './prometheus.ts';

const TEXT = String.raw`# HELP lookout_http_requests_total Requests served.
# TYPE lookout_http_requests_total counter
lookout_http_requests_total{route="/a",status="200"} 3
lookout_http_requests_total{route="/b",status="500"} 2
# TYPE lookout_gateway_errors_total counter
lookout_queue_depth 1.5
lookout_latency_bucket{le="+Inf"} +Inf
lookout_note{msg="say \"hi\" \\ now\nthen"} 1
lonely_name
{route="/a"} 1
`;

describe('parsePrometheus', () => {
  const m = parsePrometheus(TEXT);

  it('reads declared families and labelled samples', () => {
    expect([...m.declared].sort()).toEqual(['lookout_gateway_errors_total', 'lookout_http_requests_total']);
    expect(m.samples.get('lookout_http_requests_total')).toEqual([
      { labels: { route: '/a', status: '200' }, value: 3 },
      { labels: { route: '/b', status: '500' }, value: 2 },
    ]);
    expect(m.samples.get('lookout_queue_depth')).toEqual([{ labels: {}, value: 1.5 }]);
  });

  it('reads infinities and unescapes label values', () => {
    expect(m.samples.get('lookout_latency_bucket')?.[0].value).toBe(Infinity);
    expect(m.samples.get('lookout_note')?.[0].labels.msg).toBe('say "hi" \\ now\nthen');
  });

  it('skips lines that are not samples', () => {
    expect([...m.samples.keys()].sort()).toEqual(['lookout_http_requests_total', 'lookout_latency_bucket', 'lookout_note', 'lookout_queue_depth']);
  });
});

describe('metricSum', () => {
  const m = parsePrometheus(TEXT);

  it('sums the samples that pass the filter', () => {
    expect(metricSum(m, 'lookout_http_requests_total')).toBe(5);
    expect(metricSum(m, 'lookout_http_requests_total', (l) => l.status === '500')).toBe(2);
  });

  it('counts a declared family without samples as 0 and an unknown one as null', () => {
    expect(metricSum(m, 'lookout_gateway_errors_total')).toBe(0);
    expect(metricSum(m, 'lookout_queue_depth')).toBe(1.5);
    expect(metricSum(m, 'lookout_missing_total')).toBeNull();
  });
});
