/**
 * The browser side of account linking, from the one-time link to the stored connection.
 *
 * `start`: redeems the link (once), begins an OAuth session bound to this browser (its binding goes into
 * a cookie the caller sets) and answers the provider's authorize URL, with an S256 PKCE challenge where
 * the provider takes one. `callback`: a provider `error` is a cancelled page; otherwise the session is
 * consumed exactly once (a refusal is logged at warn with the refusal's reason as the message and
 * { ip, platform, code }), the code is exchanged, the account is read from the provider and the
 * connection saved. Codes, states, tokens and bindings are never logged.
 */
import type { Logger } from 'pino';
import type { OAuthPlatform } from '../../storage/schema.ts';
import type { ConnectionStore } from './connection-store.ts';
import type { LinkInvitations } from './link-invitations.ts';
import { linkPage, type LinkPageKind } from './link-pages.ts';
import type { BrowserFlowStart, HtmlPage } from '../../util/html-page.ts';
import type { OAuthRefusalCode, OAuthSessionStore } from './oauth-session-store.ts';
import { isOAuthPlatform, pkceChallenge } from './oauth-state.ts';
import type { OAuthProviderClient } from './providers/oauth-provider-client.ts';
import type { ProviderIdentity } from './providers/provider-identity.ts';

export type LinkFlowOptions = {
  invitations: LinkInvitations;
  sessions: OAuthSessionStore;
  connections: ConnectionStore;
  client: Pick<OAuthProviderClient, 'authorizationUrl' | 'exchangeCode' | 'spec'>;
  /** Who the account is, from the provider's user endpoint. */
  identity: (platform: OAuthPlatform, accessToken: string) => Promise<ProviderIdentity>;
  /** Whether the operator configured the provider. */
  configured: (platform: OAuthPlatform) => boolean;
  /** The hub's public base URL, without a trailing slash: redirect URIs are `<publicUrl>/link/callback/<platform>`. */
  publicUrl: string;
  sessionTtlMs: number;
  logger: Logger;
  metrics: { recordOAuthLink(platform: string, outcome: string): void };
  now?: () => number;
};


export type LinkCallbackQuery = { code?: string | undefined; state?: string | undefined; error?: string | undefined };

const REFUSAL_PAGES: Readonly<Record<OAuthRefusalCode, LinkPageKind>> = {
  unknown: 'session_unknown',
  replayed: 'session_used',
  expired: 'session_expired',
  wrong_browser: 'wrong_browser',
  wrong_platform: 'wrong_platform',
};

export function redirectUriOf(publicUrl: string, platform: OAuthPlatform): string {
  return `${publicUrl.replace(/\/+$/, '')}/link/callback/${platform}`;
}

export class LinkFlow {
  readonly #o: LinkFlowOptions;
  readonly #now: () => number;

  constructor(options: LinkFlowOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  async start(token: string, ip: string, userAgent: string): Promise<BrowserFlowStart> {
    const now = this.#now();
    const redeemed = await this.#o.invitations.redeem(token, now);
    if (!redeemed.ok) {
      this.#o.logger.info({ ip, code: redeemed.code }, 'one-time link refused');
      return { kind: 'page', page: linkPage(redeemed.code === 'used' ? 'link_used' : redeemed.code === 'expired' ? 'link_expired' : 'link_unknown') };
    }
    const { platform, discordUserId } = redeemed;
    if (!this.#o.configured(platform)) return { kind: 'page', page: linkPage('not_configured', { platform }) };
    const spec = this.#o.client.spec(platform);
    const session = await this.#o.sessions.begin({ discordUserId, platform, pkce: spec.pkce, ip, userAgent: userAgent.slice(0, 512), now, ttlMs: this.#o.sessionTtlMs });
    const url = this.#o.client.authorizationUrl(platform, {
      state: session.state,
      redirectUri: redirectUriOf(this.#o.publicUrl, platform),
      ...(session.codeVerifier === null ? {} : { codeChallenge: pkceChallenge(session.codeVerifier) }),
    });
    return { kind: 'redirect', location: url.href, browserBinding: session.browserBinding, maxAgeSeconds: Math.max(1, Math.floor(this.#o.sessionTtlMs / 1000)) };
  }

  async callback(platformName: string, query: LinkCallbackQuery, browserBinding: string | undefined, ip: string): Promise<HtmlPage> {
    const { logger, metrics } = this.#o;
    if (!isOAuthPlatform(platformName)) return linkPage('unknown_platform');
    const platform = platformName;
    if (query.error !== undefined) {
      // access_denied is the member saying no; anything else the provider refused, which the page words the same.
      logger.info({ ip, platform, error: query.error.slice(0, 64) }, 'linking cancelled at the provider');
      metrics.recordOAuthLink(platform, 'cancelled');
      return linkPage('cancelled', { platform });
    }
    const consumed = await this.#o.sessions.consume({ state: query.state ?? '', browserBinding: browserBinding ?? '', platform, ip, now: this.#now() });
    if (!consumed.ok) {
      logger.warn({ ip, platform, code: consumed.code }, consumed.reason);
      metrics.recordOAuthLink(platform, consumed.code);
      return linkPage(REFUSAL_PAGES[consumed.code], { platform });
    }
    const { session } = consumed;
    if (!query.code) {
      logger.warn({ ip, platform }, 'OAuth callback without a code');
      metrics.recordOAuthLink(platform, 'failed');
      return linkPage('provider_failed', { platform });
    }
    try {
      if (!this.#o.configured(platform)) return linkPage('not_configured', { platform });
      const tokens = await this.#o.client.exchangeCode(platform, {
        code: query.code,
        state: query.state ?? '',
        redirectUri: redirectUriOf(this.#o.publicUrl, platform),
        ...(session.codeVerifier === null ? {} : { codeVerifier: session.codeVerifier }),
      });
      const account = await this.#o.identity(platform, tokens.accessToken);
      await this.#o.connections.save({ discordUserId: session.discordUserId, platform, platformUserId: account.id, platformUsername: account.username, tokens });
      logger.info({ platform, discordUserId: session.discordUserId, platformUserId: account.id }, 'account linked');
      metrics.recordOAuthLink(platform, 'linked');
      return linkPage('linked', { platform, name: account.username });
    } catch (error) {
      // The errors name the provider, the step and the HTTP status; they carry no tokens or codes.
      logger.warn({ ip, platform, error: error instanceof Error ? error.message : String(error) }, 'linking failed at the provider');
      metrics.recordOAuthLink(platform, 'failed');
      return linkPage('provider_failed', { platform });
    }
  }
}
