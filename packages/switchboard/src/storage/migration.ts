import type { Kysely } from 'kysely';
import type { Dialect } from './database.ts';

/** One schema change. `up` runs inside a transaction together with its bookkeeping row. */
export type Migration = {
  /** Sorts in application order: `NNNN-short-name`. */
  id: string;
  up(db: Kysely<unknown>, dialect: Dialect): Promise<void>;
};
