// Two Lookout nodes, each with its own journal, on one 2-shard ClickHouse cluster (real engine,
// real processes). Whatever node a span is sent to, and however often, every node answers the same
// totals with each span once, to the nano-dollar: with the same batch sent to both nodes, with a
// shard stopped while ingest goes on, and with a node killed with -9 under load.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clickHouseAvailable, clickHouseInstallHint, startClickHouse, type ClickHouseHarness } from '../../packages/server/src/testing/clickhouse.ts';
import {
  clusterEnv,
  exportOtlp,
  getJson,
  ingestCounters,
  Ledger,
  nativeBatch,
  otlpBatch,
  postNative,
  readView,
  readyz,
  storedSpanRows,
  type NativeItem,
  type SentSpan,
} from './clickhouse-cluster.ts';
import { e2eRequired, freePort, makeTempDir, pollUntil, removeTempDir, sleep, startLookout, type LookoutServer } from './harness.ts';

const available = clickHouseAvailable();
if (!available && e2eRequired) throw new Error(`REQUIRE_E2E=1 but ${clickHouseInstallHint}`);

const database = 'lookout_e2e_cluster';
// A read while the store is down must be refused promptly, not left to the client's timeout.
const refusalWithinMs = 5_000;

interface Node {
  name: string;
  dataDir: string;
  port: number;
  server: LookoutServer;
  // What this node answered since it last started, for its /metrics.
  acked: { otlp: number; apiAccepted: number; apiDuplicate: number };
}

describe.skipIf(!available)('two Lookout nodes on a 2-shard ClickHouse cluster', () => {
  let cluster: ClickHouseHarness;
  const nodes: Node[] = [];
  const ledger = new Ledger();
  const t0 = Date.now();
  const fromIso = new Date(t0 - 2 * 60 * 60 * 1000).toISOString();
  const context = () => nodes.map((n) => n.server.output()).join('\n');

  const start = async (dataDir: string, port: number): Promise<LookoutServer> =>
    startLookout({ dataDir, port, env: clusterEnv(cluster, database) });

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startClickHouse({ shards: 2 });
    // Both nodes start at once, as behind a load balancer: each creates the tables it needs.
    await Promise.all(
      ['a', 'b'].map(async (name) => {
        const dataDir = await makeTempDir(`clickhouse-node-${name}`);
        const port = await freePort();
        nodes.push({ name, dataDir, port, server: await start(dataDir, port), acked: { otlp: 0, apiAccepted: 0, apiDuplicate: 0 } });
      }),
    );
    nodes.sort((x, y) => x.name.localeCompare(y.name));
    console.log(`cluster and two nodes up in ${Date.now() - started} ms`);
  });

  // Set while a test has shard 1 stopped, so that a failure there does not leave the next test
  // without it.
  let shardDown = false;
  afterEach(async () => {
    if (shardDown) await cluster.startShard(1);
    shardDown = false;
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.server.stop()));
    await cluster?.stop();
    for (const n of nodes) await removeTempDir(n.dataDir);
  });

  const sendOtlp = async (node: Node, batch: { spans: Parameters<typeof exportOtlp>[1]; sent: SentSpan[] }) => {
    await exportOtlp(node.server.url, batch.spans);
    node.acked.otlp += batch.sent.length;
    ledger.add(batch.sent);
  };

  const sendNative = async (node: Node, batch: { items: NativeItem[]; sent: SentSpan[] }): Promise<string[]> => {
    const result = await postNative(node.server.url, batch.items);
    expect(result.status, `ingest into node ${node.name}: ${result.text.slice(0, 500)}`).toBe(200);
    for (const outcome of result.outcomes) {
      if (outcome === 'accepted') node.acked.apiAccepted++;
      else if (outcome === 'duplicate') node.acked.apiDuplicate++;
      else throw new Error(`node ${node.name} answered ${outcome} for a valid item: ${result.text.slice(0, 500)}`);
    }
    ledger.add(batch.sent);
    return result.outcomes;
  };

  // Every node lists each acknowledged span once, and its trace count, analytics and the spans'
  // own costs all equal the ledger's, to the nano-dollar.
  // A node reads its own acknowledged writes at once; another node's once that node has loaded
  // them from its journal: so every node's journal is drained first.
  const expectSameTotals = async (readers: Node[] = nodes) => {
    for (const node of nodes) {
      await pollUntil(`node ${node.name} to load its journal`, async () => ((await readyz(node.server.url)).body.queueDepth === 0 ? true : undefined), {
        timeoutMs: 30_000,
        context,
      });
    }
    const expected = ledger.totals();
    for (const node of readers) {
      const view = await readView(node.server.url, fromIso);
      const label = `node ${node.name}`;
      const missing = [...ledger.spans.keys()].filter((id) => !view.listed.has(id));
      const repeated = [...view.listed].filter(([, n]) => n > 1);
      const foreign = [...view.listed.keys()].filter((id) => !ledger.spans.has(id));
      expect(missing.slice(0, 10), `${label}: ${missing.length} acknowledged spans missing`).toEqual([]);
      expect(repeated.slice(0, 10), `${label}: spans listed more than once`).toEqual([]);
      expect(foreign.slice(0, 10), `${label}: spans never sent`).toEqual([]);
      expect(view.listedTotal, `${label}: span total`).toBe(expected.spans);
      expect(view.traces, `${label}: trace total`).toBe(expected.traces);
      expect(view.analytics, `${label}: analytics by model`).toEqual(expected.byModel);
      expect(view.analyticsCostNano, `${label}: analytics cost in nano-dollars`).toBe(expected.costNano);
      expect(view.listedCostNano, `${label}: sum of the listed spans' costs in nano-dollars`).toBe(expected.costNano);
    }
    return expected;
  };

  // A node's /metrics counts what that node acknowledged since it started, each item once, and
  // the LLM calls among what it accepted.
  const expectCounters = async (node: Node) => {
    const counters = await ingestCounters(node.server.url);
    const label = `node ${node.name} /metrics`;
    expect(counters.accepted.otlp + counters.duplicate.otlp, `${label}: OTLP spans acknowledged`).toBe(node.acked.otlp);
    expect(counters.accepted.api, `${label}: native items accepted`).toBe(node.acked.apiAccepted);
    expect(counters.duplicate.api, `${label}: native items answered as duplicates`).toBe(node.acked.apiDuplicate);
    expect(counters.llmRequests, `${label}: LLM calls`).toBe(counters.accepted.otlp + counters.accepted.api);
    return counters;
  };

  it('answers the same exact totals on both nodes, each span once, whichever node received it', async () => {
    const [a, b] = nodes;
    const started = Date.now();
    const toA = otlpBatch('to-a', 10, 3, t0 - 60 * 60_000);
    const toB = otlpBatch('to-b', 10, 3, t0 - 59 * 60_000);
    const shared = otlpBatch('shared', 10, 3, t0 - 58 * 60_000);
    const sharedNative = nativeBatch('shared-native', 20, t0 - 57 * 60_000);

    await sendOtlp(a, toA);
    await sendOtlp(b, toB);
    // The same OTLP batch, byte for byte, to both nodes, and once more to the first (a client's retry).
    await sendOtlp(a, shared);
    await sendOtlp(b, shared);
    await sendOtlp(a, shared);
    // The same native batch to both nodes at once, then again to one of them.
    const [atA] = await Promise.all([sendNative(a, sharedNative), sendNative(b, sharedNative)]);
    expect(atA.every((o) => o === 'accepted'), 'new spans are accepted').toBe(true);
    const again = await sendNative(b, sharedNative);
    expect(again.every((o) => o === 'duplicate'), `a batch a node already took is answered as duplicates: ${again.join(',')}`).toBe(true);

    const expected = await expectSameTotals();
    expect(expected.spans).toBe(30 + 30 + 30 + 20);
    expect(expected.traces).toBe(10 + 10 + 10 + 1);

    // Node a received fresh spans and the repeat of what it had taken itself: it counts exactly
    // the distinct spans it was sent, and their catalog cost.
    const countersA = await expectCounters(a);
    expect(countersA.accepted.otlp).toBe(toA.sent.length + shared.sent.length);
    expect(countersA.duplicate.otlp).toBe(shared.sent.length);
    const aCost = new Ledger();
    aCost.add([...toA.sent, ...shared.sent, ...sharedNative.sent]);
    expect(countersA.llmCostUsd).toBeCloseTo(Number(aCost.totals().costNano) / 1e9, 9);
    const countersB = await expectCounters(b);
    const rows = await storedSpanRows(cluster, database);
    console.log(
      `scenario 1: ${expected.spans} spans, ${expected.traces} traces, cost ${expected.costNano} nano-USD; node b counted ` +
        `${countersB.accepted.otlp + countersB.accepted.api} accepted and ${countersB.duplicate.otlp + countersB.duplicate.api} duplicates; ` +
        `span rows in ClickHouse ${rows.stored} stored, ${rows.final} with FINAL; ${Date.now() - started} ms`,
    );
  });

  it('acknowledges ingest while a shard is down, refuses reads with 503, and loads everything once when the shard is back', async () => {
    const [a, b] = nodes;
    const started = Date.now();
    let round = 0;
    const sendRound = async () => {
      const r = round++;
      const base = t0 - 50 * 60_000 + r * 20_000;
      await Promise.all([
        sendOtlp(a, otlpBatch(`outage-a-${r}`, 4, 2, base)),
        sendNative(b, nativeBatch(`outage-b-${r}`, 10, base + 5_000)),
        ...nodes.map((node) => sendNative(node, nativeBatch(`outage-shared-${r}`, 5, base + 10_000))),
      ]);
    };

    const expectRefused = async (node: Node, path: string) => {
      const read = await getJson<{ error?: { code: string } }>(`${node.server.url}${path}`);
      const log = read.status === 503 ? '' : `\n${node.server.output().split('\n').filter((l) => l.includes('"level":"error"')).slice(-2).join('\n')}`;
      expect(read.status, `node ${node.name} GET ${path}: ${read.text.slice(0, 500)}${log}`).toBe(503);
      expect(read.body.error?.code).toBe('store_unavailable');
      expect(read.elapsedMs, `node ${node.name} GET ${path} was refused within ${refusalWithinMs} ms`).toBeLessThan(refusalWithinMs);
    };
    const readPaths = ['/api/v1/traces?limit=1', '/api/v1/analytics/query?measures=cost'];

    await cluster.stopShard(1);
    shardDown = true;
    const outageStarted = Date.now();
    // Nothing waits to be loaded yet: the reads reach ClickHouse, through either shard's endpoint.
    for (const node of nodes) for (let i = 0; i < 2; i++) for (const path of readPaths) await expectRefused(node, path);

    await sendRound();
    for (const node of nodes) {
      const ready = await pollUntil(
        `node ${node.name} /readyz to report failing loads`,
        async () => {
          const r = await readyz(node.server.url);
          return r.body.loads?.status === 'failing' ? r : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 100, context },
      );
      expect(ready.status, 'a node whose loads fail still takes ingest, so it stays ready').toBe(200);
      expect(ready.body.loads?.failingSince).not.toBeNull();
      expect(ready.body.loads?.error).toBeTruthy();
      expect(ready.body.queueDepth).toBeGreaterThan(0);
    }

    // Rows wait in the journal: reads, which must see them, are refused at once.
    for (const node of nodes) for (const path of readPaths) await expectRefused(node, path);

    // Ingest goes on through the outage.
    for (let i = 0; i < 4; i++) {
      await sendRound();
      await sleep(500);
    }
    const outageMs = Date.now() - outageStarted;
    await cluster.startShard(1);
    shardDown = false;

    for (const node of nodes) {
      await pollUntil(
        `node ${node.name} to load its journal once the shard is back`,
        async () => {
          const r = await readyz(node.server.url);
          return r.body.loads?.status === 'ok' && r.body.queueDepth === 0 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100, context },
      );
    }
    const expected = await expectSameTotals();
    for (const node of nodes) await expectCounters(node);
    console.log(`scenario 2: ${round} rounds acknowledged during a ${outageMs} ms shard outage; ${expected.spans} spans in total; ${Date.now() - started} ms`);
  });

  it('keeps every span acknowledged by a node killed with -9 under load, once, read through the other node', async () => {
    const [a, b] = nodes;
    const started = Date.now();
    const clients = 2;
    const batchesPerClient = 15;
    const itemsPerBatch = 25;
    let done = 0;
    let failedAttempts = 0;
    let incarnation = 0;
    const answered = new Map<number, { accepted: number; duplicate: number }>();
    let clientError: unknown;

    // A client as SDKs behave: a batch is retried with the same ids until it is acknowledged.
    const runClient = async (client: number) => {
      for (let index = 0; index < batchesPerClient; index++) {
        const batch = nativeBatch(`kill-${client}-${index}`, itemsPerBatch, t0 - 40 * 60_000 + (client * batchesPerClient + index) * 1_000);
        for (let backoffMs = 25; ; backoffMs = Math.min(backoffMs * 2, 400)) {
          const result = await postNative(a.server.url, batch.items).catch(() => undefined);
          if (result?.status === 200) {
            const tally = answered.get(incarnation) ?? { accepted: 0, duplicate: 0 };
            for (const outcome of result.outcomes) {
              if (outcome === 'accepted') tally.accepted++;
              else if (outcome === 'duplicate') tally.duplicate++;
              else throw new Error(`node a answered ${outcome}: ${result.text.slice(0, 500)}`);
            }
            answered.set(incarnation, tally);
            ledger.add(batch.sent);
            done++;
            break;
          }
          if (result && result.status >= 400 && result.status < 500 && result.status !== 429) {
            throw new Error(`node a refused a valid batch with ${result.status}: ${result.text.slice(0, 500)}`);
          }
          failedAttempts++;
          await sleep(backoffMs);
        }
      }
    };
    const traffic = Promise.all(Array.from({ length: clients }, (_, c) => runClient(c))).catch((error: unknown) => {
      clientError = error;
    });

    const total = clients * batchesPerClient;
    const kills: string[] = [];
    for (const target of [Math.floor(total / 4), Math.floor(total / 2)]) {
      await pollUntil(`${target} batches acknowledged`, () => {
        if (clientError !== undefined) throw clientError;
        return done >= target ? true : undefined;
      }, { timeoutMs: 60_000, intervalMs: 5, context });
      await sleep(Math.floor(Math.random() * 50));
      kills.push(`kill after ${done} of ${total} batches`);
      await a.server.kill();
      a.server = await start(a.dataDir, a.port);
      incarnation++;
      const replayed = a.server.output().match(/"event":"journal_recovered","segments":(\d+)/)?.[1] ?? '?';
      kills[kills.length - 1] += ` (${replayed} journal segments replayed)`;
    }
    await traffic;
    if (clientError !== undefined) throw clientError;
    expect(done).toBe(total);
    expect(failedAttempts, 'the kills interrupted the clients').toBeGreaterThan(0);

    // Read through the node that was never killed first, then through the restarted one.
    const expected = await expectSameTotals([b, a]);
    const rows = await storedSpanRows(cluster, database);
    const last = answered.get(incarnation) ?? { accepted: 0, duplicate: 0 };
    const counters = await ingestCounters(a.server.url);
    expect(counters.accepted.api, 'the restarted node counts what it accepted since it started').toBe(last.accepted);
    expect(counters.duplicate.api).toBe(last.duplicate);
    console.log(
      `scenario 3: ${kills.join('; ')}; ${failedAttempts} failed attempts retried; ${expected.spans} spans in total ` +
        `(rows in ClickHouse ${rows.stored} stored, ${rows.final} with FINAL); ${Date.now() - started} ms`,
    );
  });
});
