/**
 * "Sign in with Discord" for the dashboard. `start` begins an OAuth session (platform `discord`, no member
 * yet: `discordUserId` is empty) bound to this browser, and answers Discord's authorize URL with scopes
 * `identify guilds` and an S256 PKCE challenge. `callback` consumes that session once, exchanges the code,
 * reads who signed in and their guilds with their token (which is then revoked: the hub keeps no Discord
 * token of theirs), and opens a `guild-manager` session for the guilds the bot is in where they are owner,
 * Administrator or Manage Server, or hold one of the guild's `roleMappings.dashboard` roles (asked of Discord
 * through the bot). Codes, states, tokens and bindings are never logged.
 */
import type { Logger } from 'pino';
import { htmlPage, type BrowserFlowStart, type HtmlPage } from '../../util/html-page.ts';
import type { OAuthSessionStore } from '../../modules/linking/oauth-session-store.ts';
import { pkceChallenge } from '../../modules/linking/oauth-state.ts';
import type { OAuthProviderClient } from '../../modules/linking/providers/oauth-provider-client.ts';
import type { ProviderIdentity } from '../../modules/linking/providers/provider-identity.ts';
import type { DashboardSessions, OpenedDashboardSession } from './dashboard-sessions.ts';
import { managesGuild, type UserGuild } from './user-guilds.ts';

export const DISCORD_SIGN_IN_SCOPES = ['identify', 'guilds'] as const;

export type DiscordSignInOptions = {
  oauthSessions: OAuthSessionStore;
  /** Undefined when DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET are not set: the button then explains that. */
  client: Pick<OAuthProviderClient, 'authorizationUrl' | 'exchangeCode' | 'spec' | 'revoke'> | undefined;
  identity: (accessToken: string) => Promise<ProviderIdentity>;
  userGuilds: (accessToken: string) => Promise<UserGuild[]>;
  /** The guilds the bot's shards hold now. */
  botGuildIds: () => ReadonlySet<string>;
  /** The guild's `roleMappings.dashboard`. */
  dashboardRoles: (guildId: string) => Promise<readonly string[]>;
  /** The member's roles in the guild, asked through the bot; undefined when they are not a member. */
  memberRoles: (guildId: string, userId: string) => Promise<readonly string[] | undefined>;
  dashboardSessions: DashboardSessions;
  /** The hub's public base URL: the redirect URI is `<publicUrl>/auth/discord/callback`. */
  publicUrl: string;
  sessionTtlMs: number;
  logger: Logger;
  now?: () => number;
};


export type SignInCallbackQuery = { code?: string | undefined; state?: string | undefined; error?: string | undefined };

export type SignInResult = { kind: 'signed-in'; opened: OpenedDashboardSession } | { kind: 'page'; page: HtmlPage };

export function signInRedirectUri(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/auth/discord/callback`;
}

/** The default avatar Discord shows a user without one (new username system: (id >> 22) % 6). */
function defaultAvatarUrl(userId: string): string | null {
  if (!/^\d{1,20}$/.test(userId)) return null;
  return `https://cdn.discordapp.com/embed/avatars/${Number((BigInt(userId) >> 22n) % 6n)}.png`;
}

const NOT_CONFIGURED = htmlPage(
  503,
  'Sign in with Discord is not set up',
  'Set DISCORD_CLIENT_ID and DISCORD_CLIENT_SECRET (the Discord application’s OAuth2 client id and secret) and restart Switchboard. Until then, sign in with an API token.',
);

const page = {
  cancelled: () => htmlPage(400, 'Sign-in cancelled', 'Discord did not sign you in. Go back to the dashboard and try again.'),
  refused: (why: string) => htmlPage(400, 'Sign-in link no longer valid', `${why}. Go back to the dashboard and start the sign-in again.`),
  failed: () => htmlPage(502, 'Sign-in failed', 'Discord could not confirm who you are just now. Go back to the dashboard and try again in a moment.'),
};

export class DiscordSignIn {
  readonly #o: DiscordSignInOptions;
  readonly #now: () => number;

  constructor(options: DiscordSignInOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get configured(): boolean {
    return this.#o.client !== undefined;
  }

  async start(ip: string, userAgent: string): Promise<BrowserFlowStart> {
    const client = this.#o.client;
    if (!client) return { kind: 'page', page: NOT_CONFIGURED };
    const session = await this.#o.oauthSessions.begin({
      discordUserId: '',
      platform: 'discord',
      pkce: client.spec('discord').pkce,
      ip,
      userAgent: userAgent.slice(0, 512),
      now: this.#now(),
      ttlMs: this.#o.sessionTtlMs,
    });
    const url = client.authorizationUrl('discord', {
      state: session.state,
      redirectUri: signInRedirectUri(this.#o.publicUrl),
      ...(session.codeVerifier === null ? {} : { codeChallenge: pkceChallenge(session.codeVerifier) }),
    });
    return { kind: 'redirect', location: url.href, browserBinding: session.browserBinding, maxAgeSeconds: Math.max(1, Math.floor(this.#o.sessionTtlMs / 1000)) };
  }

  async callback(query: SignInCallbackQuery, browserBinding: string | undefined, ip: string): Promise<SignInResult> {
    const { logger } = this.#o;
    const client = this.#o.client;
    if (!client) return { kind: 'page', page: NOT_CONFIGURED };
    if (query.error !== undefined) {
      logger.info({ ip, error: query.error.slice(0, 64) }, 'dashboard sign-in cancelled at Discord');
      return { kind: 'page', page: page.cancelled() };
    }
    const consumed = await this.#o.oauthSessions.consume({ state: query.state ?? '', browserBinding: browserBinding ?? '', platform: 'discord', ip, now: this.#now() });
    if (!consumed.ok) {
      logger.warn({ ip, code: consumed.code }, `dashboard sign-in refused: ${consumed.reason}`);
      return { kind: 'page', page: page.refused(consumed.reason) };
    }
    // A session begun by /link discord names its member; only an empty one is a dashboard sign-in.
    if (consumed.session.discordUserId !== '') {
      logger.warn({ ip }, 'dashboard sign-in refused: the OAuth session belongs to account linking');
      return { kind: 'page', page: page.refused('This sign-in link belongs to account linking') };
    }
    if (!query.code) {
      logger.warn({ ip }, 'dashboard sign-in callback without a code');
      return { kind: 'page', page: page.failed() };
    }
    let accessToken: string;
    try {
      const tokens = await client.exchangeCode('discord', {
        code: query.code,
        state: query.state ?? '',
        redirectUri: signInRedirectUri(this.#o.publicUrl),
        ...(consumed.session.codeVerifier === null ? {} : { codeVerifier: consumed.session.codeVerifier }),
      });
      accessToken = tokens.accessToken;
    } catch (error) {
      logger.warn({ ip, error: error instanceof Error ? error.message : String(error) }, 'dashboard sign-in failed at the code exchange');
      return { kind: 'page', page: page.failed() };
    }
    try {
      const [user, guilds] = await Promise.all([this.#o.identity(accessToken), this.#o.userGuilds(accessToken)]);
      const guildIds = await this.#reachableGuilds(user.id, guilds);
      const opened = await this.#o.dashboardSessions.open({
        kind: 'discord',
        userId: user.id,
        userName: user.username,
        avatarUrl: defaultAvatarUrl(user.id),
        role: 'guild-manager',
        guildIds,
        apiTokenId: null,
      });
      logger.info({ userId: user.id, guilds: guildIds.length }, 'signed in to the dashboard with Discord');
      return { kind: 'signed-in', opened };
    } catch (error) {
      logger.warn({ ip, error: error instanceof Error ? error.message : String(error) }, 'dashboard sign-in failed reading the account');
      return { kind: 'page', page: page.failed() };
    } finally {
      // The hub needs the person's token only to read who they are: it is handed back at once.
      client.revoke('discord', accessToken).catch((error: unknown) => logger.info({ error: error instanceof Error ? error.message : String(error) }, 'could not revoke a sign-in access token at Discord'));
    }
  }

  /** The guilds the bot is in that the person manages, or where they hold one of the guild's dashboard roles. */
  async #reachableGuilds(userId: string, guilds: readonly UserGuild[]): Promise<string[]> {
    const botGuilds = this.#o.botGuildIds();
    const shared = guilds.filter((g) => botGuilds.has(g.id));
    const reachable = shared.filter(managesGuild).map((g) => g.id);
    for (const guild of shared) {
      if (reachable.includes(guild.id)) continue;
      const wanted = await this.#o.dashboardRoles(guild.id);
      if (wanted.length === 0) continue;
      let held: readonly string[] | undefined;
      try {
        held = await this.#o.memberRoles(guild.id, userId);
      } catch (error) {
        this.#o.logger.warn({ guildId: guild.id, userId, error: error instanceof Error ? error.message : String(error) }, 'could not read a member’s roles for the dashboard role; that guild is left out');
        continue;
      }
      if (held?.some((role) => wanted.includes(role))) reachable.push(guild.id);
    }
    return reachable;
  }
}
