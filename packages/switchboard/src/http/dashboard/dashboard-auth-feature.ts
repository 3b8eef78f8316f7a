/**
 * Puts dashboard sign-in together: the session store on the hub's database, the OAuth client for "Sign in
 * with Discord" (the DISCORD_CLIENT_ID/SECRET of account linking, asking for `identify guilds`), the flow,
 * and the hourly cleanup of expired sessions.
 */
import type { API } from '@discordjs/core';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { OAuthClientConfig } from '../../config/environment.ts';
import type { Job } from '../../jobs/job.ts';
import type { OAuthSessionStore } from '../../modules/linking/oauth-session-store.ts';
import { OAuthProviderClient } from '../../modules/linking/providers/oauth-provider-client.ts';
import { fetchProviderIdentity } from '../../modules/linking/providers/provider-identity.ts';
import { DashboardSessionRepository } from '../../storage/dashboard-session-repository.ts';
import type { Tables } from '../../storage/schema.ts';
import type { DashboardRoutesOptions } from './dashboard-routes.ts';
import { dashboardSessionCleanupJob } from './dashboard-session-cleanup-job.ts';
import { DashboardSessions } from './dashboard-sessions.ts';
import { DISCORD_SIGN_IN_SCOPES, DiscordSignIn } from './discord-sign-in.ts';
import { fetchUserGuilds } from './user-guilds.ts';

export type DashboardAuth = {
  sessions: DashboardSessions;
  signIn: DiscordSignIn;
  /** For the HTTP server (`dashboardAuth`). */
  routes: Omit<DashboardRoutesOptions, 'publicUrl' | 'tokens'>;
  jobs: Job[];
};

/** Whether a failed Discord call was a 404 (the person is not a member of the guild). */
function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'status' in error && error.status === 404;
}

export function createDashboardAuth(options: {
  db: Kysely<Tables>;
  /** The active encryption key: the CSRF key is derived from it. */
  encryptionKey: Buffer;
  /** config.linking.providers.discord; without it only token sign-in works. */
  discordClient: OAuthClientConfig | undefined;
  discordApiUrl: string;
  publicUrl: string;
  sessionTtlMs: number;
  oauthSessions: OAuthSessionStore;
  api: () => API | undefined;
  botGuildIds: () => ReadonlySet<string>;
  dashboardRoles: (guildId: string) => Promise<readonly string[]>;
  guilds: DashboardRoutesOptions['guilds'];
  logger: Logger;
  fetch?: typeof fetch;
}): DashboardAuth {
  const sessions = new DashboardSessions({ repository: new DashboardSessionRepository(options.db), encryptionKey: options.encryptionKey });
  const credentials = options.discordClient;
  const fetchOption = options.fetch ? { fetch: options.fetch } : {};
  const client = credentials
    ? new OAuthProviderClient({
        providers: { discord: { clientId: credentials.clientId, clientSecret: credentials.clientSecret, scopes: DISCORD_SIGN_IN_SCOPES, ...(credentials.baseUrl === undefined ? {} : { baseUrl: credentials.baseUrl }) } },
        timeoutSeconds: 10,
        ...fetchOption,
      })
    : undefined;
  const signIn = new DiscordSignIn({
    oauthSessions: options.oauthSessions,
    client,
    identity: (accessToken) => fetchProviderIdentity(client!.spec('discord'), accessToken, { clientId: credentials?.clientId ?? '', ...fetchOption }),
    userGuilds: (accessToken) => fetchUserGuilds(options.discordApiUrl, accessToken, fetchOption),
    botGuildIds: options.botGuildIds,
    dashboardRoles: options.dashboardRoles,
    memberRoles: async (guildId, userId) => {
      const api = options.api();
      if (!api) throw new Error('no Discord connection to read the member with');
      try {
        return (await api.guilds.getMember(guildId, userId)).roles;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    dashboardSessions: sessions,
    publicUrl: options.publicUrl,
    sessionTtlMs: options.sessionTtlMs,
    logger: options.logger,
  });
  return { sessions, signIn, routes: { signIn, sessions, guilds: options.guilds }, jobs: [dashboardSessionCleanupJob(sessions)] };
}
