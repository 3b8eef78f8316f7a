/**
 * Members' display names for ids shown on a page (answers, ticket people), asked of the hub in one request
 * for the ids on screen; an id without a name (not a member, Discord unreachable) shows as itself.
 */
import { useMemo } from 'react';
import { query } from '../api/api-client.ts';
import { useApiResource } from './use-api.ts';

const MAX_IDS = 100;

export function useMemberNames(guildId: string | null, userIds: readonly string[]): (userId: string) => string {
  const key = useMemo(() => [...new Set(userIds)].sort().slice(0, MAX_IDS).join(','), [userIds]);
  const names = useApiResource<{ id: string; name: string | null }[]>(guildId && key ? `/api/v1/guilds/${guildId}/members${query({ ids: key })}` : null);
  return useMemo(() => {
    const byId = new Map((names.data ?? []).map((entry) => [entry.id, entry.name]));
    return (userId: string) => byId.get(userId) ?? userId;
  }, [names.data]);
}
