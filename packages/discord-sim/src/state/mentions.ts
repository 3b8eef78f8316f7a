/** Reads the mentions out of message content, the way Discord fills `mentions`, `mention_roles` and `mention_everyone`. */
import type { SimGuild, SimUser } from './entities.ts';

export interface ParsedMentions {
  users: SimUser[];
  roles: string[];
  everyone: boolean;
}

export function parseMentions(content: string, users: ReadonlyMap<string, SimUser>, guild: SimGuild | undefined): ParsedMentions {
  const mentioned = new Map<string, SimUser>();
  for (const match of content.matchAll(/<@!?(\d{1,20})>/g)) {
    const user = users.get(match[1] ?? '');
    if (user) mentioned.set(user.id, user);
  }
  const roles = new Set<string>();
  if (guild) {
    for (const match of content.matchAll(/<@&(\d{1,20})>/g)) {
      const id = match[1] ?? '';
      if (guild.roles.has(id)) roles.add(id);
    }
  }
  return { users: [...mentioned.values()], roles: [...roles], everyone: guild !== undefined && /@(everyone|here)\b/.test(content) };
}
