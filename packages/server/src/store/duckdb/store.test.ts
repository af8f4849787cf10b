import { storeContract } from '../contract.ts';
import { DuckDbStore } from './store.ts';

storeContract('duckdb (in memory)', () => DuckDbStore.open(null));
