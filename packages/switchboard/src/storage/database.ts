/**
 * One database handle for the whole process, on SQLite or PostgreSQL depending on DATABASE_URL.
 * Everything above this file speaks Kysely and does not care which.
 */
import { createRequire } from 'node:module';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type PgModule from 'pg';
import { openSqliteFile } from './sqlite-connection.ts';
import type { Tables } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

export type Database = {
  db: Kysely<Tables>;
  dialect: Dialect;
  /** A short description safe to log (no password). */
  description: string;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

export type DatabaseOptions = {
  /** PostgreSQL: run everything in this existing schema (tests use one schema each). */
  schema?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** Told when an idle PostgreSQL connection fails (a database restart); the pool replaces it. */
  onConnectionError?: (error: Error) => void;
};

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Returns the SQLite file path of a `sqlite:` URL, or undefined for anything else. */
export function sqlitePathOf(url: string): string | undefined {
  if (!url.startsWith('sqlite:')) return undefined;
  return url.slice('sqlite:'.length).replace(/^\/\//, '') || undefined;
}

function redactedPostgres(url: string): string {
  const parsed = new URL(url);
  return `postgres://${parsed.username ? `${parsed.username}@` : ''}${parsed.host}${parsed.pathname}`;
}

export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  const sqlitePath = sqlitePathOf(url);
  if (sqlitePath !== undefined) {
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: openSqliteFile(sqlitePath) }) });
    return {
      db,
      dialect: 'sqlite',
      description: `SQLite ${sqlitePath}`,
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: once(() => db.destroy()),
    };
  }
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must start with sqlite: or postgres://');
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  // The PostgreSQL driver (a few MB of memory) is loaded only by a hub that uses PostgreSQL.
  const pg = createRequire(import.meta.url)('pg') as typeof PgModule;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    // Bigint timestamps and counts come back as numbers; they stay far below 2^53.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection (a database restart) must not crash the process: the pool
  // replaces it, the owner logs it, and the next query reports the problem where it can be handled.
  pool.on('error', (error) => options.onConnectionError?.(error));
  // A client checked out of the pool (between the queries of a transaction, or a query just handed to it)
  // has no pool listener: without one of its own, the server going away would be an uncaught exception.
  pool.on('connect', (client) => client.on('error', (error) => options.onConnectionError?.(error)));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    description: `PostgreSQL ${redactedPostgres(url)}${schema ? ` (schema ${schema})` : ''}`,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: once(() => db.destroy()),
  };
}

/** Closing twice (a hub, then the test that lent it the database) is harmless. */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
