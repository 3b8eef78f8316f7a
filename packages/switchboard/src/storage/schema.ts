/**
 * The tables as Kysely sees them. Timestamps are milliseconds since the epoch in `bigint` columns on
 * both dialects (PostgreSQL's int8 is parsed back to a number), so that comparisons and arithmetic are
 * the same everywhere.
 */
export type ApiTokenRole = 'admin' | 'viewer';

export interface ApiTokensTable {
  id: string;
  name: string;
  role: ApiTokenRole;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface JobSchedulesTable {
  name: string;
  interval_ms: number;
  next_run_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

export type JobOutcome = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'abandoned';

export interface JobRunsTable {
  id: string;
  job_name: string;
  instance_id: string;
  started_at: number;
  finished_at: number | null;
  duration_ms: number | null;
  outcome: JobOutcome;
  error: string | null;
}

export interface SchemaMigrationsTable {
  id: string;
  applied_at: number;
}

export interface Tables {
  api_tokens: ApiTokensTable;
  job_schedules: JobSchedulesTable;
  job_runs: JobRunsTable;
  schema_migrations: SchemaMigrationsTable;
}
