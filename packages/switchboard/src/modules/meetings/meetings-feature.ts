/**
 * Puts meetings together: the Kaltura client (when the hub has a Kaltura account), the service on the
 * hub's database, the Discord module and what the HTTP routes call. The join-token key is derived from the
 * active encryption key, so it is never configured twice.
 */
import type { API } from '@discordjs/core';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { KalturaConfig } from '../../config/environment.ts';
import type { GuildConfig } from '../../config/guild-config/guild-config-schema.ts';
import type { MeetingRoutesOptions } from '../../http/routes/meeting-join-routes.ts';
import type { EncryptionKey } from '../../security/secret-box.ts';
import { MeetingRepository } from '../../storage/meeting-repository.ts';
import type { Tables } from '../../storage/schema.ts';
import type { HubModule } from '../hub-module.ts';
import { joinTokenKey } from './join-token.ts';
import { KalturaClient } from './kaltura/kaltura-client.ts';
import { createMeetingService, type MeetingService } from './meeting-service.ts';
import { createMeetingsModule } from './meetings-module.ts';
import { connectedApi } from '../../discord/connected-api.ts';

export type MeetingsFeature = {
  module: HubModule;
  service: MeetingService;
  routes: MeetingRoutesOptions;
};

export function createMeetingsFeature(options: {
  db: Kysely<Tables>;
  api: () => API | undefined;
  logger: Logger;
  /** Absent: the module answers that meetings are not set up. */
  kaltura: KalturaConfig | undefined;
  publicUrl: string;
  encryptionKey: EncryptionKey;
  guildConfig: (guildId: string) => Promise<GuildConfig>;
}): MeetingsFeature {
  const { kaltura } = options;
  const service = createMeetingService({
    repository: new MeetingRepository(options.db),
    kaltura: kaltura
      ? { client: new KalturaClient({ serviceUrl: kaltura.serviceUrl, partnerId: kaltura.partnerId, adminSecret: kaltura.adminSecret }), joinUrl: kaltura.joinUrl }
      : undefined,
    roleMapping: async (guildId) => (await options.guildConfig(guildId)).roleMappings,
    publicUrl: options.publicUrl,
    joinKey: joinTokenKey(options.encryptionKey.key),
    logger: options.logger,
  });
  const module = createMeetingsModule({
    service,
    api: connectedApi(options.api),
    logger: options.logger,
    guildConfig: options.guildConfig,
  });
  return {
    module,
    service,
    routes: { openJoin: (token) => service.openJoin(token), list: (guildId, filter) => service.list(guildId, filter) },
  };
}
