/** The header's guild picker: which server the guild pages (tickets, sessions, configuration…) show. */
import { useId } from 'react';
import { useGuild } from '../session/guild-context.tsx';

export function GuildPicker() {
  const { guilds, guildId, choose, loading } = useGuild();
  const id = useId();
  if (guilds.length === 0) return <span className="muted guild-picker">{loading ? 'Loading servers…' : 'No servers'}</span>;
  return (
    <div className="guild-picker">
      <label htmlFor={id}>Server</label>
      <select id={id} value={guildId ?? ''} onChange={(event) => choose(event.target.value)}>
        {guilds.map((guild) => (
          <option key={guild.id} value={guild.id}>
            {guild.name}
          </option>
        ))}
      </select>
    </div>
  );
}
