// D3: a score carries its trace's feature, application and model (domain/score.ts). The ingest
// chain fills them from spans it saw recently (enrich/quality/score-context.ts); the stores fill
// what is still null when a score or its trace's spans are loaded, whichever comes last. A score
// is judged after its trace ran: its trace's spans are looked for from a day before the score to
// an hour after it (and, from a span's side, the scores from an hour before it to a day after),
// which keeps each fill a read of a bounded time range.

export const HOUR_US = 3_600_000_000;
// How long after its trace a score may be given and still be filled from the stored spans.
export const SCORE_CONTEXT_LOOKBACK_US = 24 * HOUR_US;
// How long before its spans start a score may be stamped (clock skew, a trace's later spans).
export const SCORE_CONTEXT_LEAD_US = HOUR_US;

// Score columns the fill sets, as stored.
export const SCORE_CONTEXT_COLUMNS = ['feature', 'model', 'application'] as const;
