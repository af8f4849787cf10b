import { describe, expect, it } from 'vitest';
import { engineFor } from './migrate.ts';

describe('engineFor', () => {
  it('keeps the engine as it is without Keeper, and makes it replicated on a Keeper path with it', () => {
    expect(engineFor('ReplacingMergeTree(version)', null)).toBe('ReplacingMergeTree(version)');
    expect(engineFor('ReplacingMergeTree(version)', '/clickhouse/tables/{shard}/lookout/spans_local')).toBe(
      "ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/lookout/spans_local', '{replica}', version)",
    );
    expect(engineFor('ReplacingMergeTree(version, deleted)', '/p')).toBe("ReplicatedReplacingMergeTree('/p', '{replica}', version, deleted)");
    expect(engineFor('ReplacingMergeTree', '/p')).toBe("ReplicatedReplacingMergeTree('/p', '{replica}')");
  });
});
