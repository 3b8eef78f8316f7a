/**
 * The guild the guild pages show: chosen in the header's picker from GET /api/v1/guilds (the bot's guilds
 * this session may see), remembered in the browser between visits.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { GuildSummary } from '../api/api-types.ts';
import { useApiResource } from '../hooks/use-api.ts';
import { useSession } from './session-context.tsx';

const STORAGE_KEY = 'switchboard.guildId';

type GuildValue = {
  guilds: GuildSummary[];
  loading: boolean;
  error: string | null;
  guildId: string | null;
  guild: GuildSummary | null;
  choose: (guildId: string) => void;
};

const GuildContext = createContext<GuildValue | null>(null);

function remembered(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function GuildProvider({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const listed = useApiResource<GuildSummary[]>('/api/v1/guilds');
  const [chosen, setChosen] = useState<string | null>(remembered);
  // Before the bot has seen its guilds (or when the list cannot be read) the session's own guilds still help.
  const guilds = listed.data && listed.data.length > 0 ? listed.data : (me?.guilds ?? []);
  const guild = guilds.find((g) => g.id === chosen) ?? guilds[0] ?? null;

  const choose = useCallback((guildId: string) => {
    setChosen(guildId);
    try {
      window.localStorage.setItem(STORAGE_KEY, guildId);
    } catch {
      // Private windows may refuse storage; the choice then lasts for this visit only.
    }
  }, []);

  const value = useMemo(
    () => ({ guilds, loading: listed.loading, error: listed.error?.message ?? null, guildId: guild?.id ?? null, guild, choose }),
    [guilds, listed.loading, listed.error, guild, choose],
  );
  return <GuildContext.Provider value={value}>{children}</GuildContext.Provider>;
}

export function useGuild(): GuildValue {
  const value = useContext(GuildContext);
  if (!value) throw new Error('useGuild must be used inside GuildProvider');
  return value;
}
