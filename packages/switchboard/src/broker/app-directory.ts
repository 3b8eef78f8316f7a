/**
 * The registered apps held in memory for routing, so that an event does not cost a database read: who
 * subscribed to a channel, which app an id names. Reloaded after every change made through this instance,
 * and every few seconds for changes made through another one.
 */
import type { AppRecord, AppRepository } from '../storage/app-repository.ts';

const REFRESH_INTERVAL_MS = 5_000;

export class AppDirectory {
  readonly #repository: AppRepository;
  #apps = new Map<string, AppRecord>();
  #subscribers = new Map<string, AppRecord[]>();
  #timer: NodeJS.Timeout | undefined;

  constructor(repository: AppRepository) {
    this.#repository = repository;
  }

  async refresh(): Promise<void> {
    const apps = await this.#repository.list();
    const subscribers = new Map<string, AppRecord[]>();
    for (const app of apps) {
      for (const channelId of app.subscribedChannels) subscribers.set(channelId, [...(subscribers.get(channelId) ?? []), app]);
    }
    this.#apps = new Map(apps.map((app) => [app.id, app]));
    this.#subscribers = subscribers;
  }

  start(onError: (error: unknown) => void): void {
    this.stop();
    this.#timer = setInterval(() => this.refresh().catch(onError), REFRESH_INTERVAL_MS);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  get(appId: string): AppRecord | undefined {
    return this.#apps.get(appId);
  }

  subscribersOf(channelId: string): readonly AppRecord[] {
    return this.#subscribers.get(channelId) ?? [];
  }
}
