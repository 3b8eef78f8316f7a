/**
 * The per-route rate limits the simulator applies, chosen to be close to what Discord answers in its
 * `X-RateLimit-*` headers. Routes that share a name share a bucket; each bucket is kept per major parameter.
 */

export interface BucketSpec {
  name: string;
  limit: number;
  windowMs: number;
}

const spec = (name: string, limit: number, windowMs: number): BucketSpec => ({ name, limit, windowMs });

const limits: Record<string, BucketSpec> = {
  'POST /channels/:channelId/messages': spec('message-create', 5, 5_000),
  'PATCH /channels/:channelId/messages/:messageId': spec('message-edit', 5, 5_000),
  'DELETE /channels/:channelId/messages/:messageId': spec('message-delete', 5, 1_000),
  'POST /channels/:channelId/messages/bulk-delete': spec('message-bulk-delete', 1, 1_000),
  'PUT /channels/:channelId/messages/:messageId/reactions/:emoji/@me': spec('reaction', 1, 250),
  'DELETE /channels/:channelId/messages/:messageId/reactions/:emoji/@me': spec('reaction', 1, 250),
  'DELETE /channels/:channelId/messages/:messageId/reactions/:emoji/:userId': spec('reaction', 1, 250),
  'POST /guilds/:guildId/channels': spec('channel-create', 10, 10_000),
  'PATCH /channels/:channelId': spec('channel-edit', 10, 10_000),
  'DELETE /channels/:channelId': spec('channel-delete', 5, 1_000),
  'POST /channels/:channelId/threads': spec('thread-create', 10, 10_000),
  'POST /channels/:channelId/messages/:messageId/threads': spec('thread-create', 10, 10_000),
  'PUT /channels/:channelId/thread-members/:userId': spec('thread-member', 10, 10_000),
  'DELETE /channels/:channelId/thread-members/:userId': spec('thread-member', 10, 10_000),
  'PATCH /guilds/:guildId/members/:userId': spec('member-edit', 10, 10_000),
  'PUT /guilds/:guildId/members/:userId/roles/:roleId': spec('member-role', 10, 10_000),
  'DELETE /guilds/:guildId/members/:userId/roles/:roleId': spec('member-role', 10, 10_000),
  'PUT /guilds/:guildId/bans/:userId': spec('ban', 5, 5_000),
  'DELETE /guilds/:guildId/bans/:userId': spec('ban', 5, 5_000),
  'POST /guilds/:guildId/roles': spec('role-create', 10, 10_000),
  'PATCH /guilds/:guildId/roles/:roleId': spec('role-edit', 10, 10_000),
  'POST /guilds/:guildId/scheduled-events': spec('scheduled-event', 5, 5_000),
  'PATCH /guilds/:guildId/scheduled-events/:eventId': spec('scheduled-event', 5, 5_000),
  'PUT /applications/:applicationId/commands': spec('commands-overwrite', 5, 20_000),
  'PUT /applications/:applicationId/guilds/:guildId/commands': spec('commands-overwrite', 5, 20_000),
  'POST /applications/:applicationId/commands': spec('command-create', 10, 10_000),
  'POST /applications/:applicationId/guilds/:guildId/commands': spec('command-create', 10, 10_000),
  'POST /webhooks/:webhookId/:token': spec('webhook-execute', 5, 2_000),
  'PATCH /webhooks/:webhookId/:token/messages/:messageId': spec('webhook-message-edit', 5, 2_000),
  'POST /users/@me/channels': spec('dm-create', 10, 10_000),
};

/** Routes Discord does not count against the global limit. */
export const GLOBAL_EXEMPT_ROUTES: ReadonlySet<string> = new Set(['POST /interactions/:interactionId/:token/callback']);

/** Unlisted routes: a generous shared default so that reads never become the bottleneck of a test. */
export const DEFAULT_BUCKET: BucketSpec = spec('default', 50, 1_000);

export function bucketFor(routeKey: string): BucketSpec {
  return limits[routeKey] ?? DEFAULT_BUCKET;
}

/** The major parameter Discord keys buckets by: channel, guild, or webhook with its token. */
export function majorParameter(params: Record<string, string>): string {
  if (params.channelId) return params.channelId;
  if (params.guildId) return params.guildId;
  if (params.webhookId) return `${params.webhookId}/${params.token ?? ''}`;
  if (params.interactionId) return `${params.interactionId}/${params.token ?? ''}`;
  return 'global';
}
