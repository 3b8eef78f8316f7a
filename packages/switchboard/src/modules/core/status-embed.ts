/**
 * The /status embed: the bot's state for people in a server, from the same `BotStatus` the HTTP status
 * route and the dashboard show. Kept within Discord's embed limits however many shards or modules there are.
 */
import type { APIEmbed } from 'discord-api-types/v10';
import type { BotStatus, ModuleStatus, ShardStatus } from '../../discord/bot-status.ts';
import type { ConnectionStatus } from '../../discord/connection-state.ts';
import { fitEmbed } from '../../discord/fit-embed.ts';

const COLOURS = { good: 0x2e7d32, busy: 0xf9a825, bad: 0xc62828 } as const;

const STATE_WORDS: Record<ConnectionStatus, string> = {
  ready: 'Connected',
  connecting: 'Connecting',
  starting: 'Starting',
  resuming: 'Resuming the session',
  reconnecting: 'Reconnecting',
  stopped: 'Stopped',
  failed: 'Failed',
};

function colourOf(state: ConnectionStatus): number {
  if (state === 'ready') return COLOURS.good;
  if (state === 'failed' || state === 'stopped') return COLOURS.bad;
  return COLOURS.busy;
}

/** "3 d 4 h", "2 h 5 min", "12 min", "40 s". */
export function describeUptime(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return `${minutes} min`;
  return `${total} s`;
}

function describeLatency(ms: number | null): string {
  return ms === null ? 'not measured yet' : `${Math.round(ms)} ms`;
}

function shardLine(shard: ShardStatus): string {
  const error = shard.lastError ? ` — ${shard.lastError}` : '';
  return `#${shard.id}: ${STATE_WORDS[shard.state].toLowerCase()}, ${describeLatency(shard.latencyMs)}, ${shard.guilds} servers${error}`;
}

function moduleLine(module: ModuleStatus): string {
  if (module.enabled) return `on: ${module.name}`;
  return `off: ${module.name}${module.reason ? ` — ${module.reason}` : ''}`;
}

export function statusEmbed(status: BotStatus): APIEmbed {
  const enabled = status.modules.filter((module) => module.enabled);
  const disabled = status.modules.filter((module) => !module.enabled);
  const modules = [...enabled, ...disabled].map(moduleLine).join('\n');
  return fitEmbed({
    title: 'Switchboard status',
    color: colourOf(status.state),
    fields: [
      { name: 'State', value: STATE_WORDS[status.state], inline: true },
      { name: 'Servers', value: String(status.guilds), inline: true },
      { name: 'Latency', value: describeLatency(status.latencyMs), inline: true },
      { name: 'Uptime', value: status.running ? describeUptime(status.uptimeSeconds) : 'not running', inline: true },
      { name: 'Version', value: status.version, inline: true },
      { name: `Shards (${status.shards.length})`, value: status.shards.map(shardLine).join('\n') || 'none' },
      { name: `Modules (${enabled.length} on, ${disabled.length} off)`, value: modules || 'none' },
      { name: 'Last error', value: status.lastError ?? 'none' },
    ],
  });
}
