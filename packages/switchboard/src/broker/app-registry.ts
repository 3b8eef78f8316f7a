/**
 * Registering and managing outside apps. An app gets an API token (`sba_…`, stored as its SHA-256) and a
 * webhook signing secret (`whsec_…`, sealed at rest because the hub needs it to sign); both are shown once.
 * Rotating the secret keeps the old one signing beside the new one for a grace period.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Job } from '../jobs/job.ts';
import type { SecretBox } from '../security/secret-box.ts';
import type { AppChanges, AppRecord, AppRepository } from '../storage/app-repository.ts';
import { appLiveness, type AppLiveness } from './app-status.ts';

export const APP_TOKEN_PREFIX = 'sba_';
export const SECRET_ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

export type AppInput = Pick<AppRecord, 'id' | 'name' | 'callbackUrl' | 'events' | 'guilds' | 'subscribedChannels' | 'channels'>;

export type AppView = Omit<AppRecord, 'signingSecret' | 'previousSigningSecret'> & { status: AppLiveness };

export type RegisterResult = { ok: true; app: AppView; token: string; signingSecret: string } | { ok: false; reason: 'id_taken' };

/** Decides whether a callback URL may be called; the broker's outgoing-URL policy. */
export type CallbackUrlCheck = (url: string) => Promise<{ ok: true } | { ok: false; reason: string }>;

export function hashAppToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export class AppRegistry {
  readonly #repository: AppRepository;
  readonly #secrets: SecretBox;
  /** Told after every change, so that the routing directory reloads. */
  onChange: () => Promise<void> = async () => undefined;

  constructor(repository: AppRepository, secrets: SecretBox) {
    this.#repository = repository;
    this.#secrets = secrets;
  }

  view(app: AppRecord, now = Date.now()): AppView {
    const { signingSecret: _s, previousSigningSecret: _p, ...rest } = app;
    return { ...rest, status: appLiveness(app.lastHeartbeatAt, now) };
  }

  #seal(secret: string, appId: string, column: 'signing_secret'): string {
    return this.#secrets.encrypt(secret, { table: 'apps', column, rowId: appId });
  }

  async register(input: AppInput, now = Date.now()): Promise<RegisterResult> {
    const token = `${APP_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const signingSecret = newSigningSecret();
    const created = await this.#repository.create(
      { ...input, signingSecret: this.#seal(signingSecret, input.id, 'signing_secret'), createdAt: now },
      hashAppToken(token),
    );
    if (!created) return { ok: false, reason: 'id_taken' };
    await this.onChange();
    const app = await this.#repository.get(input.id);
    return { ok: true, app: this.view(app!, now), token, signingSecret };
  }

  async get(id: string): Promise<AppRecord | undefined> {
    return this.#repository.get(id);
  }

  async list(now = Date.now()): Promise<AppView[]> {
    return (await this.#repository.list()).map((app) => this.view(app, now));
  }

  async update(id: string, changes: AppChanges, now = Date.now()): Promise<AppView | undefined> {
    const app = await this.#repository.update(id, changes, now);
    await this.onChange();
    return app ? this.view(app, now) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.#repository.delete(id);
    await this.onChange();
    return deleted;
  }

  /** A new secret, shown once; the previous one keeps signing for the grace period. */
  async rotateSecret(id: string, now = Date.now()): Promise<string | undefined> {
    const secret = newSigningSecret();
    const rotated = await this.#repository.rotateSecret(id, (appId) => this.#seal(secret, appId, 'signing_secret'), now + SECRET_ROTATION_GRACE_MS, now);
    await this.onChange();
    return rotated ? secret : undefined;
  }

  /** The secrets to sign with now: the current one, and the previous one during its grace period. */
  signingSecrets(app: AppRecord, now = Date.now()): string[] {
    const current = this.#secrets.decrypt(app.signingSecret, { table: 'apps', column: 'signing_secret', rowId: app.id });
    if (!app.previousSigningSecret || (app.previousSecretExpiresAt ?? 0) <= now) return [current];
    // The previous value was sealed as signing_secret of the same row before it moved columns.
    return [current, this.#secrets.decrypt(app.previousSigningSecret, { table: 'apps', column: 'signing_secret', rowId: app.id })];
  }

  async heartbeat(id: string, now = Date.now()): Promise<AppView | undefined> {
    await this.#repository.recordHeartbeat(id, now);
    await this.onChange();
    const app = await this.#repository.get(id);
    return app ? this.view(app, now) : undefined;
  }

  async setAssistant(guildId: string, appId: string | null, now = Date.now()): Promise<void> {
    await this.#repository.setAssistant(guildId, appId, now);
  }

  async appIdForToken(token: string): Promise<string | undefined> {
    return this.#repository.findIdByTokenHash(hashAppToken(token));
  }

  /** Unregisters apps silent for longer than `inactiveDays`, with a log line each. */
  inactiveAppCleanupJob(inactiveDays: number, logger: Logger): Job {
    return {
      name: 'inactive-app-cleanup',
      intervalMs: 6 * 60 * 60 * 1000,
      run: async ({ now }) => {
        const ids = await this.#repository.inactiveSince(now - inactiveDays * 24 * 60 * 60 * 1000);
        for (const id of ids) {
          await this.#repository.delete(id);
          logger.warn({ app: id, inactiveDays }, 'unregistered an app that sent no heartbeat for too long');
        }
        return { summary: `unregistered ${ids.length} inactive app(s)` };
      },
    };
  }
}
