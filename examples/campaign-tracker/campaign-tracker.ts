/**
 * A campaign tracker built on the Switchboard SDK: it announces game sessions with Join/Can't make it
 * buttons in its `announcements` channel, keeps who joined, counts the reactions on its announcements and
 * reads the messages of the channel it subscribed to. One bot, the hub's, speaks for it in Discord.
 *
 * Clicks are answered in the webhook's HTTP response when that is quick; with `slowClicks`, the tracker
 * takes its time instead (as an app doing real work would), and answers with a follow-up once done.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookHandler, SwitchboardClient, type WebhookEvent } from '@switchboard/sdk';

export type CampaignTrackerOptions = {
  hubUrl: string;
  appId: string;
  token: string;
  signingSecret: string;
  /** Answer clicks late, through a follow-up, after this many ms (the hub defers meanwhile). */
  slowClicksMs?: number;
};

export type SessionTally = { title: string; messageId: string; joined: Set<string>; declined: Set<string>; reactions: Map<string, number> };

export class CampaignTracker {
  readonly client: SwitchboardClient;
  readonly received: WebhookEvent[] = [];
  readonly sessions = new Map<string, SessionTally>();
  readonly channelMessages: string[] = [];
  readonly #options: CampaignTrackerOptions;
  readonly #server: http.Server;
  #stopHeartbeats: (() => void) | undefined;

  constructor(options: CampaignTrackerOptions) {
    this.#options = options;
    this.client = new SwitchboardClient({ baseUrl: options.hubUrl, appId: options.appId, token: options.token });
    const handler = createWebhookHandler({
      secret: options.signingSecret,
      handlers: {
        default: (event) => {
          this.received.push(event);
        },
        'message.create': (event) => {
          this.received.push(event);
          this.channelMessages.push(event.data.content);
        },
        'reaction.add': (event) => {
          this.received.push(event);
          const session = this.#sessionOfMessage(event.data.message_id);
          const emoji = event.data.emoji.name ?? '?';
          if (session) session.reactions.set(emoji, (session.reactions.get(emoji) ?? 0) + 1);
        },
        'interaction.component': async (event) => {
          this.received.push(event);
          const { interaction } = event.data;
          const [action, sessionId] = interaction.data.custom_id.split(':');
          const userId = interaction.member?.user.id ?? interaction.user?.id ?? 'unknown';
          const session = sessionId ? this.sessions.get(sessionId) : undefined;
          if (!session) return { type: 4, data: { content: 'That session is over.', flags: 64 } };
          if (action === 'join') session.joined.add(userId);
          else session.declined.add(userId);
          const text = action === 'join' ? `You're in for ${session.title}!` : `Noted: you can't make ${session.title}.`;
          if (this.#options.slowClicksMs !== undefined) {
            // Doing real work: answer later. The hub has deferred the click meanwhile.
            setTimeout(() => {
              this.client.followUp({ id: interaction.id, token: interaction.token }, { content: text }).catch(() => undefined);
            }, this.#options.slowClicksMs);
            await new Promise((resolve) => setTimeout(resolve, this.#options.slowClicksMs));
            return undefined;
          }
          return { type: 4, data: { content: text, flags: 64 } };
        },
      },
    });
    this.#server = http.createServer(handler);
  }

  /** Listens on the given port (0 for any) and starts heartbeats; resolves with the callback URL. */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(port, '127.0.0.1', resolve));
    this.#stopHeartbeats = this.client.startHeartbeats();
    return this.callbackUrl;
  }

  get callbackUrl(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/switchboard`;
  }

  stopHeartbeats(): void {
    this.#stopHeartbeats?.();
    this.#stopHeartbeats = undefined;
  }

  /** Announces a session with its buttons in the `announcements` channel. */
  async announce(sessionId: string, title: string): Promise<string> {
    const { messageId } = await this.client.send({
      channel: 'announcements',
      content: `📅 **${title}** — who's coming?`,
      components: [
        {
          type: 1,
          components: [
            { type: 2, style: 3, label: 'Join', custom_id: `join:${sessionId}` },
            { type: 2, style: 4, label: "Can't make it", custom_id: `decline:${sessionId}` },
          ],
        },
      ],
    });
    this.sessions.set(sessionId, { title, messageId, joined: new Set(), declined: new Set(), reactions: new Map() });
    return messageId;
  }

  #sessionOfMessage(messageId: string): SessionTally | undefined {
    return [...this.sessions.values()].find((s) => s.messageId === messageId);
  }

  async stop(): Promise<void> {
    this.stopHeartbeats();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
