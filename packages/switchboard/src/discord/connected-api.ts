/**
 * Modules are built before the Discord connection exists (and a hub may run without one): they get the API
 * through a getter that fails clearly when there is no connection, instead of a value that may be missing.
 */
import type { API } from '@discordjs/core';

export const NO_DISCORD_CONNECTION = 'this hub runs without a Discord connection';

/** A getter for the Discord API that throws a plain error while there is no connection. */
export function connectedApi(api: () => API | undefined): () => API {
  return () => {
    const current = api();
    if (!current) throw new Error(NO_DISCORD_CONNECTION);
    return current;
  };
}
