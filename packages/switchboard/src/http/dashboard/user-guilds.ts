/**
 * The guilds of a person signing in, from Discord's `GET /users/@me/guilds` with their own access token
 * (scope `guilds`), and which of them they manage: owner, Administrator or Manage Server, and the bot is
 * there too. The token is sent, never logged or put in an error message.
 */
import { z } from 'zod';

export type UserGuild = { id: string; name: string; icon: string | null; owner: boolean; permissions: bigint };

const ADMINISTRATOR = 1n << 3n;
const MANAGE_GUILD = 1n << 5n;
const TIMEOUT_MS = 10_000;

const answer = z.array(
  z.object({
    id: z.string().regex(/^\d{1,20}$/, 'is not a snowflake'),
    name: z.string().max(200),
    icon: z.string().max(200).nullable().optional(),
    owner: z.boolean().optional(),
    permissions: z.string().regex(/^\d{1,30}$/, 'is not a permission bit set'),
  }),
);

export class UserGuildsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UserGuildsError';
  }
}

/** `apiUrl` is Discord's REST base without the version (DISCORD_API_URL), as the bot's client takes it. */
export async function fetchUserGuilds(apiUrl: string, accessToken: string, options: { fetch?: typeof fetch } = {}): Promise<UserGuild[]> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(`${apiUrl.replace(/\/+$/, '')}/v10/users/@me/guilds`, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new UserGuildsError('Discord guild list lookup failed (no answer)', { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new UserGuildsError(`Discord guild list lookup failed (HTTP ${response.status})`);
  }
  const parsed = answer.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new UserGuildsError(`Discord guild list lookup answered an unexpected shape (${parsed.error.issues.map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`).join('; ')})`);
  }
  return parsed.data.map((g) => ({ id: g.id, name: g.name, icon: g.icon ?? null, owner: g.owner ?? false, permissions: BigInt(g.permissions) }));
}

/** Whether the person may manage the guild on Discord: its owner, or Administrator, or Manage Server. */
export function managesGuild(guild: UserGuild): boolean {
  return guild.owner || (guild.permissions & ADMINISTRATOR) !== 0n || (guild.permissions & MANAGE_GUILD) !== 0n;
}
