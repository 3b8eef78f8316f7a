/**
 * Every column that holds a value sealed by SecretBox, in one list, so that key rotation and the start
 * check cannot miss one. A new sealed column is added here when its migration is written.
 */

export type SealedColumn = {
  table: string;
  /** The column holding the sealed value (may be null). */
  column: string;
  /** The row's id column; its value is the `rowId` of the associated data. */
  idColumn: string;
  /**
   * The column name bound into the associated data. Usually `column`; differs when a value was sealed for
   * one column and later moved to another (apps.previous_signing_secret keeps `signing_secret`).
   */
  associatedColumn: string;
};

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'apps', column: 'signing_secret', idColumn: 'id', associatedColumn: 'signing_secret' },
  // Moved here from signing_secret by AppRepository.rotateSecret without re-sealing.
  { table: 'apps', column: 'previous_signing_secret', idColumn: 'id', associatedColumn: 'signing_secret' },
  // The PKCE verifier of an OAuth flow (migration 0009).
  { table: 'oauth_sessions', column: 'code_verifier', idColumn: 'id', associatedColumn: 'code_verifier' },
  // A linked account's tokens (migration 0010).
  { table: 'linked_connections', column: 'access_token', idColumn: 'id', associatedColumn: 'access_token' },
  { table: 'linked_connections', column: 'refresh_token', idColumn: 'id', associatedColumn: 'refresh_token' },
  // The secret a platform signs a streamer's go-live webhooks with (migration 0012).
  { table: 'stream_watches', column: 'webhook_secret', idColumn: 'id', associatedColumn: 'webhook_secret' },
];

/** `table.column`, as reports name it. */
export function sealedColumnName(sealed: Pick<SealedColumn, 'table' | 'column'>): string {
  return `${sealed.table}.${sealed.column}`;
}
