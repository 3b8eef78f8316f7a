/**
 * Discord's limits, in one place. Both the hub and the simulator read them from here so that what the
 * hub avoids and what the simulator enforces can never drift apart.
 *
 * Sources (Discord developer documentation):
 * - messages and embeds: https://discord.com/developers/docs/resources/message#create-message and
 *   https://discord.com/developers/docs/resources/message#embed-object-embed-limits
 * - components: https://discord.com/developers/docs/interactions/message-components
 * - channels: https://discord.com/developers/docs/resources/guild#create-guild-channel and
 *   https://support.discord.com/hc/en-us/articles/33694251638295 (channel limits)
 * - threads: https://discord.com/developers/docs/topics/threads
 * - rate limits: https://discord.com/developers/docs/topics/rate-limits
 * - gateway: https://discord.com/developers/docs/events/gateway#rate-limiting and #session-start-limit-object
 * - interactions: https://discord.com/developers/docs/interactions/receiving-and-responding
 * - application commands: https://discord.com/developers/docs/interactions/application-commands
 */

/** Message content: 2000 characters. */
export const MESSAGE_CONTENT_MAX = 2000;
/** Embeds per message. */
export const MESSAGE_EMBEDS_MAX = 10;
/** Messages returned by one `GET /channels/{id}/messages`, and deleted by one bulk delete. */
export const MESSAGES_PER_FETCH_MAX = 100;

/** Embed limits. The total counts title, description, field names and values, footer text and author name. */
export const EMBED_TITLE_MAX = 256;
export const EMBED_DESCRIPTION_MAX = 4096;
export const EMBED_FIELDS_MAX = 25;
export const EMBED_FIELD_NAME_MAX = 256;
export const EMBED_FIELD_VALUE_MAX = 1024;
export const EMBED_FOOTER_TEXT_MAX = 2048;
export const EMBED_AUTHOR_NAME_MAX = 256;
export const EMBED_TOTAL_MAX = 6000;

/** Components: 5 action rows per message, 5 buttons per row, one select menu per row. */
export const ACTION_ROWS_MAX = 5;
export const BUTTONS_PER_ROW_MAX = 5;
export const CUSTOM_ID_MAX = 100;
export const BUTTON_LABEL_MAX = 80;
export const SELECT_OPTIONS_MAX = 25;
export const SELECT_PLACEHOLDER_MAX = 150;
export const SELECT_OPTION_LABEL_MAX = 100;
export const SELECT_OPTION_VALUE_MAX = 100;
export const SELECT_OPTION_DESCRIPTION_MAX = 100;
/** Modals: title and text inputs. */
export const MODAL_TITLE_MAX = 45;
export const TEXT_INPUT_LABEL_MAX = 45;
export const TEXT_INPUT_VALUE_MAX = 4000;

/** Channels: names, children of one category, channels in one guild (categories included). */
export const CHANNEL_NAME_MAX = 100;
export const CHANNELS_PER_CATEGORY_MAX = 50;
export const CHANNELS_PER_GUILD_MAX = 500;
/** Threads: name length and the cap on active (unarchived) threads in a guild. */
export const THREAD_NAME_MAX = 100;
export const ACTIVE_THREADS_PER_GUILD_MAX = 1000;
/** Auto-archive durations Discord accepts, in minutes. */
export const THREAD_AUTO_ARCHIVE_MINUTES = [60, 1440, 4320, 10080] as const;

/** Roles and members. */
export const ROLE_NAME_MAX = 100;
export const NICKNAME_MAX = 32;
/** `X-Audit-Log-Reason` header. */
export const AUDIT_LOG_REASON_MAX = 512;

/** Application commands. */
export const COMMAND_NAME_MAX = 32;
export const COMMAND_DESCRIPTION_MAX = 100;
export const COMMAND_OPTIONS_MAX = 25;
export const COMMAND_CHOICES_MAX = 25;
/** A choice's name (also an autocomplete answer's). */
export const COMMAND_CHOICE_NAME_MAX = 100;
export const GLOBAL_CHAT_COMMANDS_MAX = 100;

/** Interactions: the initial response deadline and how long the token is valid for follow-ups. */
export const INTERACTION_RESPONSE_DEADLINE_MS = 3_000;
export const INTERACTION_TOKEN_LIFETIME_MS = 15 * 60_000;

/** REST: the global limit per bot token. */
export const REST_GLOBAL_REQUESTS_PER_SECOND = 50;
/** REST: invalid requests (401, 403, 429 except shared-scope 429) per IP before a temporary ban. */
export const INVALID_REQUESTS_MAX = 10_000;
export const INVALID_REQUESTS_WINDOW_MS = 10 * 60_000;

/** Gateway: sends per connection per window, identifies per day, and the default identify concurrency. */
export const GATEWAY_SENDS_MAX = 120;
export const GATEWAY_SENDS_WINDOW_MS = 60_000;
export const GATEWAY_IDENTIFIES_PER_DAY = 1000;
export const GATEWAY_MAX_CONCURRENCY_DEFAULT = 1;
/** Gateway: the identify rate-limit window per concurrency bucket. */
export const GATEWAY_IDENTIFY_WINDOW_MS = 5_000;
/** The API and gateway version Switchboard speaks. */
export const DISCORD_API_VERSION = 10;

/** Snowflake ids count milliseconds from the first moment of 2015 (https://discord.com/developers/docs/reference#snowflakes). */
export const DISCORD_EPOCH_MS = 1_420_070_400_000;

/** Guild scheduled events: name, description and external location (https://discord.com/developers/docs/resources/guild-scheduled-event). */
export const SCHEDULED_EVENT_NAME_MAX = 100;
export const SCHEDULED_EVENT_DESCRIPTION_MAX = 1000;
export const SCHEDULED_EVENT_LOCATION_MAX = 100;
