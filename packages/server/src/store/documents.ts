// State several nodes share: small named documents (alert configuration and state, budgets,
// automated actions) and leases (which node evaluates alerts). A store several nodes write to
// keeps them (ClickHouse); a store one process owns has none, and that process keeps its
// documents as files in its state directory.

export interface DocumentStore {
  // The document's text, or null when it was never written.
  read(name: string): Promise<string | null>;
  // Replaces the whole document; the last write wins.
  write(name: string, text: string): Promise<void>;
  // Takes the named lease for `holder` when it is free or expired, or renews it when `holder`
  // has it, for `ttlMs`; true when `holder` holds it afterwards.
  lease(name: string, holder: string, ttlMs: number): Promise<boolean>;
}

export interface SharedState {
  readonly documents: DocumentStore | null;
}
