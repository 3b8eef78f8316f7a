/** Every migration, in order. A new one is appended here; an applied one is never edited. */
import type { Migration } from '../migration.ts';
import { foundation } from './0001-foundation.ts';

export const migrations: readonly Migration[] = [foundation];
