/**
 * Puts account linking together: the stores on the hub's database, the OAuth client for the providers
 * the operator configured, the browser flow, the Discord module, the admin statistics and the jobs
 * (session and link cleanup, token refresh with the relink DM, Twitch's hourly token validation).
 */
import type { API } from '@discordjs/core';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { LinkingConfig } from '../../config/environment.ts';
import type { OAuthStats } from '../../http/routes/oauth-admin-routes.ts';
import type { Job } from '../../jobs/job.ts';
import type { HubMetrics } from '../../metrics/hub-metrics.ts';
import type { SecretBox } from '../../security/secret-box.ts';
import { ConnectionRepository } from '../../storage/connection-repository.ts';
import { LinkInvitationRepository } from '../../storage/link-invitation-repository.ts';
import { OAuthSessionRepository } from '../../storage/oauth-session-repository.ts';
import type { OAuthPlatform, Tables } from '../../storage/schema.ts';
import { ConnectionStore } from './connection-store.ts';
import { LinkFlow } from './link-flow.ts';
import { LinkInvitations } from './link-invitations.ts';
import { createLinkingModule, type LinkingModule } from './linking-module.ts';
import { OAuthSessionStore, oauthSessionCleanupJob } from './oauth-session-store.ts';
import { OAuthProviderClient, type ProviderCredentials } from './providers/oauth-provider-client.ts';
import { fetchProviderIdentity } from './providers/provider-identity.ts';
import { tokenRefreshJob } from './token-refresh-job.ts';
import { twitchTokenValidationJob } from './twitch-token-validation-job.ts';
import { connectedApi } from '../../discord/connected-api.ts';

export type LinkingFeature = {
  module: LinkingModule;
  flow: LinkFlow;
  sessions: OAuthSessionStore;
  connections: ConnectionStore;
  invitations: LinkInvitations;
  client: OAuthProviderClient;
  stats(): Promise<OAuthStats>;
  jobs: Job[];
};

export function createLinkingFeature(options: {
  db: Kysely<Tables>;
  secrets: SecretBox;
  linking: LinkingConfig;
  publicUrl: string;
  api: () => API | undefined;
  logger: Logger;
  metrics: Pick<HubMetrics, 'recordOAuthLink' | 'recordOAuthRefresh'>;
  /** The fetch for the provider calls (tests record them); `globalThis.fetch` by default. */
  fetch?: typeof fetch;
}): LinkingFeature {
  const { logger, metrics } = options;
  const sessions = new OAuthSessionStore(new OAuthSessionRepository(options.db), options.secrets);
  const connections = new ConnectionStore(new ConnectionRepository(options.db), options.secrets);
  const invitations = new LinkInvitations(new LinkInvitationRepository(options.db));
  const providers: Partial<Record<OAuthPlatform, ProviderCredentials>> = {};
  for (const [platform, credentials] of Object.entries(options.linking.providers) as [OAuthPlatform, (typeof options.linking.providers)[OAuthPlatform]][]) {
    if (!credentials) continue;
    providers[platform] = { clientId: credentials.clientId, clientSecret: credentials.clientSecret, ...(credentials.baseUrl === undefined ? {} : { baseUrl: credentials.baseUrl }) };
  }
  const client = new OAuthProviderClient({ providers, timeoutSeconds: 10, ...(options.fetch ? { fetch: options.fetch } : {}) });
  const configured = (platform: OAuthPlatform) => providers[platform] !== undefined;
  const publicUrl = options.publicUrl.replace(/\/+$/, '');

  const flow = new LinkFlow({
    invitations,
    sessions,
    connections,
    client,
    identity: (platform, accessToken) =>
      fetchProviderIdentity(client.spec(platform), accessToken, { clientId: providers[platform]?.clientId ?? '', ...(options.fetch ? { fetch: options.fetch } : {}) }),
    configured,
    publicUrl,
    sessionTtlMs: options.linking.sessionTtlMs,
    logger,
    metrics,
  });

  const module = createLinkingModule({
    invitations,
    connections,
    client,
    configured,
    publicUrl,
    logger,
    api: connectedApi(options.api),
  });

  // One hourly cleanup for both: the sessions' job keeps its name (and its run history) and sweeps the one-time links too.
  const sessionCleanup = oauthSessionCleanupJob(sessions);
  const jobs: Job[] = [
    {
      ...sessionCleanup,
      async run(context) {
        const sessionsSwept = await sessionCleanup.run(context);
        const deleted = await invitations.cleanup(context.now);
        return { summary: `${sessionsSwept ? `${sessionsSwept.summary}; ` : ''}deleted ${deleted} one-time links older than a day` };
      },
    },
    tokenRefreshJob(connections, client, {
      onRelinkNeeded: async (connection) => {
        try {
          await module.notifyRelink(connection);
        } catch (error) {
          // DMs closed, or no Discord connection: /connections still shows that the link needs renewing.
          logger.warn({ err: error, platform: connection.platform, discordUserId: connection.discordUserId }, 'could not tell a member by DM to link again');
          throw error;
        }
      },
      onOutcome: (platform, outcome) => metrics.recordOAuthRefresh(platform, outcome),
    }),
  ];
  const twitchValidation = configured('twitch') ? client.spec('twitch').endpoints.validation : undefined;
  if (twitchValidation !== undefined) {
    jobs.push(
      twitchTokenValidationJob(connections, {
        endpoint: twitchValidation,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        onOutcome: (outcome) => metrics.recordOAuthRefresh('twitch', outcome),
      }),
    );
  }

  return {
    module,
    flow,
    sessions,
    connections,
    invitations,
    client,
    async stats() {
      const [session, linked] = await Promise.all([sessions.stats(Date.now()), connections.countByPlatform()]);
      return { ...session, linkedByPlatform: { twitch: linked.twitch ?? 0, youtube: linked.youtube ?? 0, kick: linked.kick ?? 0, discord: linked.discord ?? 0 } };
    },
    jobs,
  };
}
