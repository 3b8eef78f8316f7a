/**
 * The last successful slash-command registration per scope. Only a successful overwrite is recorded, so a
 * failed one is retried at the next start.
 */
import type { Kysely } from 'kysely';
import type { Tables } from './schema.ts';

export type CommandRegistration = {
  /** `global` or `guild:<id>`. */
  scope: string;
  applicationId: string;
  /** `commandSetHash` of the registered set. */
  hash: string;
  commandCount: number;
  registeredAt: number;
};

export class CommandRegistrationRepository {
  readonly #db: Kysely<Tables>;

  constructor(db: Kysely<Tables>) {
    this.#db = db;
  }

  async find(scope: string): Promise<CommandRegistration | undefined> {
    const row = await this.#db.selectFrom('command_registrations').selectAll().where('scope', '=', scope).executeTakeFirst();
    if (!row) return undefined;
    return {
      scope: row.scope,
      applicationId: row.application_id,
      hash: row.hash,
      commandCount: Number(row.command_count),
      registeredAt: Number(row.registered_at),
    };
  }

  /** Records a successful registration, replacing the scope's previous one. */
  async record(registration: CommandRegistration): Promise<void> {
    const values = {
      application_id: registration.applicationId,
      hash: registration.hash,
      command_count: registration.commandCount,
      registered_at: registration.registeredAt,
    };
    await this.#db
      .insertInto('command_registrations')
      .values({ scope: registration.scope, ...values })
      .onConflict((oc) => oc.column('scope').doUpdateSet(values))
      .execute();
  }
}
