import type { DocumentStore } from '../store/store.ts';
import { JsonFile } from './json-file.ts';

// A small JSON document the server keeps whole (alert state, budgets, actions): a file in the
// state directory when one process owns the store, or a document in the store when several
// nodes share it.
export interface StateDocument<T> {
  // The document, or `fallback` when it was never written.
  read(fallback: T): Promise<T>;
  write(doc: T): Promise<void>;
}

export class SharedDocument<T> implements StateDocument<T> {
  private readonly store: DocumentStore;
  private readonly name: string;
  // Writes of this node in order: a later write never lands before an earlier one.
  private writing: Promise<void> = Promise.resolve();

  constructor(store: DocumentStore, name: string) {
    this.store = store;
    this.name = name;
  }

  async read(fallback: T): Promise<T> {
    const text = await this.store.read(this.name);
    if (text === null) return fallback;
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new Error(`the shared document ${this.name} is not valid JSON (${(err as Error).message})`);
    }
  }

  write(doc: T): Promise<void> {
    const text = JSON.stringify(doc);
    const next = this.writing.then(() => this.store.write(this.name, text));
    this.writing = next.catch(() => undefined);
    return next;
  }
}

// The document named `name`: in the store's shared documents when it has them, else the file
// `<name>.json` in `stateDir`.
export function stateDocument<T>(documents: DocumentStore | null, stateDir: string, name: string): StateDocument<T> {
  return documents ? new SharedDocument<T>(documents, name) : new JsonFile<T>(`${stateDir}/${name}.json`);
}
