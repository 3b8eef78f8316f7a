/**
 * The go-live post and what it becomes when the stream ends. The post mentions only the subscription's
 * role (never @everyone or anyone else, whatever the stream title says); the edit at the end pings no one.
 */
import type { APIEmbed, RESTPatchAPIChannelMessageJSONBody, RESTPostAPIChannelMessageJSONBody } from 'discord-api-types/v10';
import { EMBED_AUTHOR_NAME_MAX, MESSAGE_CONTENT_MAX } from 'discord-limits';
import { cutText } from '../../discord/cut-text.ts';
import { fitEmbed } from '../../discord/fit-embed.ts';
import type { LiveStream, StreamPlatformName } from './stream-platform.ts';

export const PLATFORM_LABELS: Readonly<Record<StreamPlatformName, string>> = { twitch: 'Twitch', youtube: 'YouTube', kick: 'Kick' };
const PLATFORM_COLORS: Readonly<Record<StreamPlatformName, number>> = { twitch: 0x9146ff, youtube: 0xff0000, kick: 0x53fc18 };
const ENDED_COLOR = 0x747f8d;

export type AnnouncedStreamer = { platform: StreamPlatformName; name: string; url: string };

const seconds = (ms: number) => Math.floor(ms / 1000);

/** Discord markdown in a streamer-controlled text must not format or mention anything. */
function plain(text: string): string {
  return text.replace(/[\\*_~`|>#[\]()<@]/g, (c) => `\\${c}`);
}

export function liveAnnouncement(streamer: AnnouncedStreamer, stream: LiveStream, roleId: string | null): RESTPostAPIChannelMessageJSONBody {
  const label = PLATFORM_LABELS[streamer.platform];
  const line = `**${plain(streamer.name)}** is live on ${label}!`;
  const embed: APIEmbed = {
    title: stream.title.trim() === '' ? `${streamer.name} is live` : stream.title,
    url: stream.url,
    author: { name: cutText(streamer.name, EMBED_AUTHOR_NAME_MAX), url: streamer.url },
    description: `Started <t:${seconds(stream.startedAt)}:R>`,
    color: PLATFORM_COLORS[streamer.platform],
    fields: stream.category ? [{ name: 'Category', value: stream.category, inline: true }] : [],
    ...(stream.thumbnailUrl ? { image: { url: stream.thumbnailUrl } } : {}),
  };
  return {
    content: cutText(roleId ? `<@&${roleId}> ${line}` : line, MESSAGE_CONTENT_MAX),
    allowed_mentions: { parse: [], roles: roleId ? [roleId] : [] },
    embeds: [fitEmbed(embed)],
  };
}

/** "2 h 5 min", "45 min", "less than a minute". */
export function streamDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'less than a minute';
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

export function endedAnnouncement(streamer: AnnouncedStreamer, stream: { title: string; startedAt: number; endedAt: number }): RESTPatchAPIChannelMessageJSONBody {
  const label = PLATFORM_LABELS[streamer.platform];
  const embed: APIEmbed = {
    title: `${streamer.name} was live`,
    url: streamer.url,
    author: { name: cutText(streamer.name, EMBED_AUTHOR_NAME_MAX), url: streamer.url },
    description: `${stream.title.trim() === '' ? '' : `${stream.title}\n`}Streamed for ${streamDuration(stream.endedAt - stream.startedAt)}, ended <t:${seconds(stream.endedAt)}:R>.`,
    color: ENDED_COLOR,
  };
  return {
    content: cutText(`**${plain(streamer.name)}** was live on ${label}.`, MESSAGE_CONTENT_MAX),
    allowed_mentions: { parse: [] },
    embeds: [fitEmbed(embed)],
  };
}
