// Row versions for ReplacingMergeTree: the newest version of a row wins. Microseconds of the
// wall clock, never repeating or going back within this process, so a change written after
// another by this node always wins over it. Nodes' clocks are assumed within a second of each
// other; a change is never written within a second of the row's previous version by another node
// in practice (re-pricing and attribution follow loads).
let last = 0;

export function nextVersion(): number {
  const now = Date.now() * 1000;
  last = now > last ? now : last + 1;
  return last;
}
