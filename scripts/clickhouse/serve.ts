// Runs the test harness's ClickHouse servers for benchmarks and manual runs, until Ctrl-C:
//   node scripts/clickhouse/serve.ts [--shards 2] [--dir /tmp/clickhouse]
// and prints the settings that point Lookout at them. Needs scripts/clickhouse/install.sh first.
import { parseArgs } from 'node:util';
import { startClickHouse } from '../../packages/server/src/testing/clickhouse.ts';

const { values } = parseArgs({
  options: {
    shards: { type: 'string', default: '1' },
    dir: { type: 'string' },
  },
});
const shards = Number(values.shards);

const startedAt = performance.now();
const harness = await startClickHouse({ shards, dir: values.dir });
console.log(`ClickHouse ${shards === 1 ? 'server' : `cluster of ${shards} shards`} up in ${Math.round(performance.now() - startedAt)} ms, data in ${harness.dir}`);
console.log(`LOOKOUT_CLICKHOUSE_URL=${harness.urls.join(',')}`);
console.log(`LOOKOUT_CLICKHOUSE_CLUSTER=${harness.cluster}`);
console.log('Ctrl-C stops it.');

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  harness.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
