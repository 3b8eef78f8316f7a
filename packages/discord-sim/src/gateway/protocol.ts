/** Gateway opcodes, close codes, intents and application flags, numbered as Discord numbers them. */

export const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  PresenceUpdate: 3,
  VoiceStateUpdate: 4,
  Resume: 6,
  Reconnect: 7,
  RequestGuildMembers: 8,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
} as const;

export const CloseCode = {
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidSeq: 4007,
  RateLimited: 4008,
  SessionTimedOut: 4009,
  InvalidShard: 4010,
  ShardingRequired: 4011,
  InvalidApiVersion: 4012,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;

/** Close codes after which Discord does not let the session be resumed. */
export const NON_RESUMABLE_CLOSE_CODES: ReadonlySet<number> = new Set([4004, 4007, 4009, 4010, 4011, 4012, 4013, 4014]);

export const Intent = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildModeration: 1 << 2,
  GuildExpressions: 1 << 3,
  GuildIntegrations: 1 << 4,
  GuildWebhooks: 1 << 5,
  GuildInvites: 1 << 6,
  GuildVoiceStates: 1 << 7,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  GuildMessageTyping: 1 << 11,
  DirectMessages: 1 << 12,
  DirectMessageReactions: 1 << 13,
  DirectMessageTyping: 1 << 14,
  MessageContent: 1 << 15,
  GuildScheduledEvents: 1 << 16,
  AutoModerationConfiguration: 1 << 20,
  AutoModerationExecution: 1 << 21,
  GuildMessagePolls: 1 << 24,
  DirectMessagePolls: 1 << 25,
} as const;

export const ALL_INTENTS = Object.values(Intent).reduce((all, bit) => all | bit, 0);

/** Application flags that grant the privileged intents (the full and the "limited" variant of each). */
export const AppFlag = {
  GatewayPresence: 1 << 12,
  GatewayPresenceLimited: 1 << 13,
  GatewayGuildMembers: 1 << 14,
  GatewayGuildMembersLimited: 1 << 15,
  GatewayMessageContent: 1 << 18,
  GatewayMessageContentLimited: 1 << 19,
} as const;

export type PrivilegedIntentName = 'GuildMembers' | 'GuildPresences' | 'MessageContent';

const privileged: Record<PrivilegedIntentName, { intent: number; flags: number }> = {
  GuildMembers: { intent: Intent.GuildMembers, flags: AppFlag.GatewayGuildMembers | AppFlag.GatewayGuildMembersLimited },
  GuildPresences: { intent: Intent.GuildPresences, flags: AppFlag.GatewayPresence | AppFlag.GatewayPresenceLimited },
  MessageContent: { intent: Intent.MessageContent, flags: AppFlag.GatewayMessageContent | AppFlag.GatewayMessageContentLimited },
};

export const ALL_PRIVILEGED: PrivilegedIntentName[] = ['GuildMembers', 'GuildPresences', 'MessageContent'];

/** The application flags that enable the given privileged intents. */
export function flagsForPrivileged(names: readonly PrivilegedIntentName[]): number {
  const bits = { GuildMembers: AppFlag.GatewayGuildMembers, GuildPresences: AppFlag.GatewayPresence, MessageContent: AppFlag.GatewayMessageContent };
  return names.reduce((flags, name) => flags | bits[name], 0);
}

/** Whether an identify's intents ask for a privileged intent the application's flags do not grant. */
export function disallowedIntents(intents: number, appFlags: number): boolean {
  return Object.values(privileged).some((p) => (intents & p.intent) !== 0 && (appFlags & p.flags) === 0);
}

/** The intent a dispatch needs, or null when every session receives it. Guild and DM variants differ. */
export function intentFor(event: string, inGuild: boolean): number | null {
  switch (event) {
    case 'GUILD_CREATE':
    case 'GUILD_UPDATE':
    case 'GUILD_DELETE':
    case 'GUILD_ROLE_CREATE':
    case 'GUILD_ROLE_UPDATE':
    case 'GUILD_ROLE_DELETE':
    case 'CHANNEL_CREATE':
    case 'CHANNEL_UPDATE':
    case 'CHANNEL_DELETE':
    case 'CHANNEL_PINS_UPDATE':
    case 'THREAD_CREATE':
    case 'THREAD_UPDATE':
    case 'THREAD_DELETE':
    case 'THREAD_LIST_SYNC':
    case 'THREAD_MEMBER_UPDATE':
    case 'THREAD_MEMBERS_UPDATE':
      return Intent.Guilds;
    case 'GUILD_MEMBER_ADD':
    case 'GUILD_MEMBER_UPDATE':
    case 'GUILD_MEMBER_REMOVE':
      return Intent.GuildMembers;
    case 'GUILD_BAN_ADD':
    case 'GUILD_BAN_REMOVE':
    case 'GUILD_AUDIT_LOG_ENTRY_CREATE':
      return Intent.GuildModeration;
    case 'GUILD_SCHEDULED_EVENT_CREATE':
    case 'GUILD_SCHEDULED_EVENT_UPDATE':
    case 'GUILD_SCHEDULED_EVENT_DELETE':
    case 'GUILD_SCHEDULED_EVENT_USER_ADD':
    case 'GUILD_SCHEDULED_EVENT_USER_REMOVE':
      return Intent.GuildScheduledEvents;
    case 'MESSAGE_CREATE':
    case 'MESSAGE_UPDATE':
    case 'MESSAGE_DELETE':
    case 'MESSAGE_DELETE_BULK':
      return inGuild ? Intent.GuildMessages : Intent.DirectMessages;
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE':
    case 'MESSAGE_REACTION_REMOVE_ALL':
    case 'MESSAGE_REACTION_REMOVE_EMOJI':
      return inGuild ? Intent.GuildMessageReactions : Intent.DirectMessageReactions;
    case 'TYPING_START':
      return inGuild ? Intent.GuildMessageTyping : Intent.DirectMessageTyping;
    case 'PRESENCE_UPDATE':
      return Intent.GuildPresences;
    default:
      return null;
  }
}
