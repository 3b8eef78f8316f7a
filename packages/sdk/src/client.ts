/**
 * `SwitchboardClient`: an app's calls to the hub — registration, heartbeats, posting and changing its
 * messages, answering interactions later, and looking at its webhook deliveries.
 */
import { createRequester, type Requester } from './http.ts';
import { startHeartbeatLoop, type HeartbeatOptions, type StopHeartbeats } from './heartbeats.ts';
import type { RetryPolicy } from './retry.ts';
import type {
  App,
  CreateSessionInput,
  DeliveriesQuery,
  Delivery,
  EditMessageInput,
  HeartbeatResult,
  InteractionRef,
  MessageContent,
  RegisterAppInput,
  Registration,
  SendMessageInput,
  SentMessage,
} from './types.ts';

/** How a client reaches the hub. */
export interface ClientOptions {
  /** The hub's address, e.g. `https://switchboard.example.org` (without `/api/v1`). */
  baseUrl: string;
  /** The app's API token (or an admin token, for `get(appId)`). */
  token: string;
  /** The app this client acts as; required by every call except `get(appId)`. */
  appId?: string;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** The time limit of one attempt, in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** Retries of idempotent calls on 429 and 5xx. Default `{ maxRetries: 2, baseDelayMs: 250, maxDelayMs: 30000 }`. */
  retry?: Partial<RetryPolicy>;
}

/** Options of `SwitchboardClient.register` besides the address and the admin token. */
export type RegisterOptions = Omit<ClientOptions, 'baseUrl' | 'token' | 'appId'>;

/** What the hub answers to a redelivery or a ping: passed through as it comes. */
export type HubAnswer = Record<string, unknown>;

const segment = encodeURIComponent;

/**
 * A client for one app. Every call throws a `SwitchboardError` on failure: the hub's `status`, `code`
 * and `details`, or a `SwitchboardNetworkError` / `SwitchboardTimeoutError` when no answer came.
 *
 * Retried (on 429 and 5xx, honouring `Retry-After`): `get`, `heartbeat`, `edit`, `delete`,
 * `editOriginal`, `deliveries`. Never retried, since a second attempt could act twice: `register`,
 * `send`, `followUp`, `redeliver`, `ping`.
 */
export class SwitchboardClient {
  /** The app this client acts as, if any. */
  readonly appId: string | undefined;
  readonly #request: Requester;

  constructor(options: ClientOptions) {
    this.appId = options.appId;
    this.#request = createRequester(options);
  }

  /**
   * Registers an app with an admin token. The answer's `token` and `signingSecret` are shown only this
   * once: store them. `client` is ready to act as the new app.
   */
  static async register(
    baseUrl: string,
    adminToken: string,
    input: RegisterAppInput,
    options: RegisterOptions = {},
  ): Promise<Registration & { client: SwitchboardClient }> {
    const admin = createRequester({ ...options, baseUrl, token: adminToken });
    const registration = await admin<Registration>({ method: 'POST', path: '/apps', body: input, idempotent: false });
    const client = new SwitchboardClient({ ...options, baseUrl, token: registration.token, appId: registration.app.id });
    return { ...registration, client };
  }

  /** The app as the hub sees it (status, last heartbeat, whether its endpoint is disabled). */
  get(appId: string = this.#appId()): Promise<App> {
    return this.#request<App>({ method: 'GET', path: `/apps/${segment(appId)}`, idempotent: true });
  }

  /** Tells the hub the app is alive; the answer says how often to do it. */
  heartbeat(options: { signal?: AbortSignal } = {}): Promise<HeartbeatResult> {
    return this.#request<HeartbeatResult>({ method: 'POST', path: `${this.#app()}/heartbeat`, idempotent: true, signal: options.signal });
  }

  /**
   * Beats now and then at the interval the hub names, one beat at a time, until the returned function
   * is called. Failures go to `onError` and the loop carries on.
   */
  startHeartbeats(options: HeartbeatOptions = {}): StopHeartbeats {
    this.#appId();
    return startHeartbeatLoop((signal) => this.heartbeat({ signal }), options);
  }

  /** Posts a message to `channelId`, or to `channel` (a name from the app's channel map). */
  send(message: SendMessageInput): Promise<SentMessage> {
    return this.#request<SentMessage>({ method: 'POST', path: `${this.#app()}/messages`, body: message, idempotent: false });
  }

  /** Changes a message the app posted (another app's message: 403 `not_owner`). */
  edit(messageId: string, change: EditMessageInput): Promise<SentMessage> {
    const path = `${this.#app()}/messages/${segment(messageId)}`;
    return this.#request<SentMessage>({ method: 'PATCH', path, body: change, idempotent: true });
  }

  /** Deletes a message the app posted (another app's message: 403 `not_owner`). */
  async delete(messageId: string): Promise<void> {
    const path = `${this.#app()}/messages/${segment(messageId)}`;
    await this.#request<{ deleted: true }>({ method: 'DELETE', path, idempotent: true });
  }

  /** Sends a follow-up message to an interaction (e.g. after the hub deferred a click). */
  followUp(interaction: InteractionRef, message: MessageContent): Promise<{ messageId: string }> {
    const path = `${this.#interaction(interaction)}/followup`;
    return this.#request<{ messageId: string }>({ method: 'POST', path, body: message, idempotent: false });
  }

  /** Edits the interaction's original response (the clicked message, or the deferred reply). */
  editOriginal(interaction: InteractionRef, change: EditMessageInput): Promise<{ messageId: string }> {
    const path = `${this.#interaction(interaction)}/original`;
    return this.#request<{ messageId: string }>({ method: 'PATCH', path, body: change, idempotent: true });
  }

  /** The app's recent webhook deliveries, optionally only those with `status`. */
  deliveries(query: DeliveriesQuery = {}): Promise<Delivery[]> {
    return this.#request<Delivery[]>({
      method: 'GET',
      path: `${this.#app()}/deliveries`,
      query: { status: query.status, limit: query.limit },
      idempotent: true,
    });
  }

  /** Asks the hub to deliver a webhook again. */
  redeliver(deliveryId: string): Promise<HubAnswer> {
    const path = `${this.#app()}/deliveries/${segment(deliveryId)}/redeliver`;
    return this.#request<HubAnswer>({ method: 'POST', path, idempotent: false });
  }

  /** Asks the hub to send a `ping` webhook to the app's callback URL. */
  ping(): Promise<HubAnswer> {
    return this.#request<HubAnswer>({ method: 'POST', path: `${this.#app()}/ping`, idempotent: false });
  }

  /**
   * Announces a session with attendance buttons in one of the app's channels. Members' answers come back as
   * `session.response` events when the app subscribed to them.
   */
  createSession(session: CreateSessionInput): Promise<{ sessionId: string; channelId: string; messageId: string | null }> {
    return this.#request<{ sessionId: string; channelId: string; messageId: string | null }>({ method: 'POST', path: `${this.#app()}/sessions`, body: session, idempotent: false });
  }

  #appId(): string {
    if (this.appId === undefined) throw new TypeError('SwitchboardClient: this call needs the appId option');
    return this.appId;
  }

  #app(): string {
    return `/apps/${segment(this.#appId())}`;
  }

  #interaction(interaction: InteractionRef): string {
    return `${this.#app()}/interactions/${segment(interaction.id)}/${segment(interaction.token)}`;
  }
}
