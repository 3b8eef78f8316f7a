/**
 * The shapes the hub's HTTP API sends and accepts, and the events it delivers as webhooks.
 * Discord's own objects are typed with `discord-api-types/v10`.
 */
import type {
  APIEmbed,
  APIInteractionResponseChannelMessageWithSource,
  APIInteractionResponseDeferredMessageUpdate,
  APIInteractionResponseUpdateMessage,
  APIMessageComponentInteraction,
  APIMessageTopLevelComponent,
  APIModalInteractionResponse,
  APIModalSubmitInteraction,
  GatewayMessageCreateDispatchData,
  GatewayMessageReactionAddDispatchData,
  GatewayMessageReactionRemoveDispatchData,
} from 'discord-api-types/v10';

// ---------------------------------------------------------------------------------------------------------
// Events

/** Every event type this version of the SDK knows. The hub may add more; handlers answer those with 200. */
export const EVENT_TYPES = [
  'message.create',
  'reaction.add',
  'reaction.remove',
  'interaction.component',
  'interaction.modal',
  'assistant.message',
  'assistant.clear',
  'session.response',
  'ping',
] as const;

/** A known event type. */
export type EventType = (typeof EVENT_TYPES)[number];

/** The event types an app subscribes to when it registers (`ping` is always delivered). */
export type SubscribableEventType = Exclude<EventType, 'ping'>;

/** The envelope every webhook body has; `data` depends on `type`. */
export interface WebhookEventBase<TType extends string, TData> {
  /** The event's id. */
  id: string;
  type: TType;
  /** The app the event was delivered to. */
  appId: string;
  /** The guild the event happened in; null in direct messages and for `ping`. */
  guildId: string | null;
  /** When the hub recorded the event (ISO 8601). */
  createdAt: string;
  data: TData;
}

/** A click on a component (button, select menu) of one of the app's messages. */
export interface ComponentInteractionData {
  /** Discord's interaction, with `data.custom_id` already stripped of the hub's prefix. */
  interaction: APIMessageComponentInteraction;
  /** Until when (ISO 8601) an answer in the webhook's HTTP response is used; after that, follow up. */
  respondBy: string;
}

/** A submitted modal the app opened. */
export interface ModalInteractionData {
  /** Discord's interaction, with `data.custom_id` already stripped of the hub's prefix. */
  interaction: APIModalSubmitInteraction;
  /** Until when (ISO 8601) an answer in the webhook's HTTP response is used; after that, follow up. */
  respondBy: string;
}

/** A message addressed to the guild's assistant, which this app serves. */
export interface AssistantMessageData {
  conversationId: string;
  userId: string;
  channelId: string;
  guildId: string | null;
  content: string;
  messageId: string;
}

/** A user asked the assistant to forget the conversation. */
export interface AssistantClearData {
  conversationId: string;
  userId: string;
  channelId: string;
}

/** A session the app announces (`client.createSession`): times in ISO 8601; one of channelId or channel. */
export interface CreateSessionInput {
  channelId?: string;
  channel?: string;
  title: string;
  description?: string;
  start_time: string;
  end_time: string;
  /** IANA zone (default UTC). */
  timezone?: string;
  capacity?: number | null;
  reminderMinutesBefore?: number | null;
}

/** A member answered a session the app created (`POST /apps/:id/sessions`). */
export interface SessionResponseData {
  sessionId: string;
  userId: string;
  answer: 'yes' | 'maybe' | 'late' | 'no';
  /** The answer is a Yes waiting for a place. */
  waitlisted: boolean;
  counts: { yes: number; waitlist: number; maybe: number; late: number; no: number };
}

export type MessageCreateEvent = WebhookEventBase<'message.create', GatewayMessageCreateDispatchData>;
export type ReactionAddEvent = WebhookEventBase<'reaction.add', GatewayMessageReactionAddDispatchData>;
export type ReactionRemoveEvent = WebhookEventBase<'reaction.remove', GatewayMessageReactionRemoveDispatchData>;
export type InteractionComponentEvent = WebhookEventBase<'interaction.component', ComponentInteractionData>;
export type InteractionModalEvent = WebhookEventBase<'interaction.modal', ModalInteractionData>;
export type AssistantMessageEvent = WebhookEventBase<'assistant.message', AssistantMessageData>;
export type AssistantClearEvent = WebhookEventBase<'assistant.clear', AssistantClearData>;
export type SessionResponseEvent = WebhookEventBase<'session.response', SessionResponseData>;
/** Sent by `POST /apps/:id/ping` to check the endpoint; the data carries nothing to act on. */
export type PingEvent = WebhookEventBase<'ping', Record<string, unknown>>;

/** A webhook event of a known type: a union discriminated by `type`. */
export type WebhookEvent =
  | MessageCreateEvent
  | ReactionAddEvent
  | ReactionRemoveEvent
  | InteractionComponentEvent
  | InteractionModalEvent
  | AssistantMessageEvent
  | AssistantClearEvent
  | SessionResponseEvent
  | PingEvent;

/** An event of a type this SDK does not know yet (see `isKnownEvent`). */
export type UnknownWebhookEvent = WebhookEventBase<string, unknown>;

/** The event of type `T`. */
export type EventOf<T extends EventType> = Extract<WebhookEvent, { type: T }>;

// ---------------------------------------------------------------------------------------------------------
// Answers in the webhook's HTTP response

/**
 * An interaction callback an app may return for a click within the deadline: 4 reply with a message,
 * 6 acknowledge without changing anything, 7 update the clicked message, 9 open a modal.
 */
export type ComponentInteractionResponse =
  | APIInteractionResponseChannelMessageWithSource
  | APIInteractionResponseDeferredMessageUpdate
  | APIInteractionResponseUpdateMessage
  | APIModalInteractionResponse;

/** The answer to a submitted modal: 4, 6 or 7 (Discord does not open a modal from a modal). */
export type ModalInteractionResponse = Exclude<ComponentInteractionResponse, APIModalInteractionResponse>;

/** The assistant's answer; the hub posts `reply` in the conversation. */
export interface AssistantReply {
  reply: string;
}

/** What the handler of event type `T` may return in the webhook's HTTP response. */
export type ResponseFor<T extends EventType> = T extends 'interaction.component'
  ? ComponentInteractionResponse
  : T extends 'interaction.modal'
    ? ModalInteractionResponse
    : T extends 'assistant.message'
      ? AssistantReply
      : never;

// ---------------------------------------------------------------------------------------------------------
// Apps

/** Whether the app's heartbeats are recent. */
export type AppStatus = 'online' | 'stale' | 'offline';

/** A registered app, as the hub describes it. */
export interface App {
  id: string;
  name: string;
  callbackUrl: string;
  events: SubscribableEventType[];
  /** Guild ids the app may act in. */
  guilds: string[];
  /** Channel ids whose messages the app receives. */
  subscribedChannels: string[];
  /** Named channels: name → channel id; send with `{ channel: name }`. */
  channels: Record<string, string>;
  status: AppStatus;
  lastHeartbeatAt: string | null;
  /** Set when the hub stopped delivering to the callback URL after repeated failures. */
  endpointDisabled: { at: string; reason: string } | null;
  createdAt: string;
}

/** What `POST /api/v1/apps` takes. */
export interface RegisterAppInput {
  /** A slug: 2–32 of `a-z`, `0-9`, `-`. */
  id: string;
  name: string;
  /** Where the hub POSTs the app's webhooks. */
  callbackUrl: string;
  events: SubscribableEventType[];
  guilds: string[];
  subscribedChannels?: string[];
  channels?: Record<string, string>;
}

/** What registration returns. The token and the signing secret are shown only this once: store them. */
export interface Registration {
  app: App;
  /** The app's API token. */
  token: string;
  /** The webhook signing secret (`whsec_…`). */
  signingSecret: string;
}

/** What a heartbeat returns. */
export interface HeartbeatResult {
  status: AppStatus;
  lastHeartbeatAt: string;
  /** How often the hub wants a heartbeat. */
  heartbeatIntervalSeconds: number;
}

// ---------------------------------------------------------------------------------------------------------
// Messages

/** The content of a message: at least one of these. `custom_id`s in components are the app's own. */
export interface MessageContent {
  content?: string;
  embeds?: APIEmbed[];
  components?: APIMessageTopLevelComponent[];
}

/** A message to post: to a channel id, or to a channel named in the app's `channels` map. */
export type SendMessageInput = MessageContent & ({ channelId: string; channel?: never } | { channel: string; channelId?: never });

/** A change to a message the app owns. */
export type EditMessageInput = MessageContent;

/** A message the hub posted or edited for the app. */
export interface SentMessage {
  messageId: string;
  channelId: string;
}

/** The two things the hub needs to answer an interaction later: Discord's interaction id and token. */
export interface InteractionRef {
  id: string;
  token: string;
}

// ---------------------------------------------------------------------------------------------------------
// Deliveries

/** Where a delivery stands. The hub may report other states; they pass through as strings. */
export type DeliveryStatus = 'pending' | 'delivering' | 'delivered' | 'failed' | 'dead' | (string & {});

/** One webhook delivery to the app, with its attempts so far. */
export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  /** The HTTP status of the last attempt; null when no answer came. */
  lastStatusCode?: number | null;
  /** Why the last attempt failed. */
  lastError?: string | null;
  createdAt: string;
  /** Any further fields the hub reports (next attempt, delivered at, the attempt log, …). */
  [field: string]: unknown;
}

/** Filters for `deliveries()`. */
export interface DeliveriesQuery {
  status?: DeliveryStatus;
  limit?: number;
}
