/** Shared pieces of the ticket channel manager's simulator tests: a client, the guild state, and a ticket to open. */
import { API } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import type { APIEmbed } from 'discord-api-types/v10';
import type { TestSimulator } from '../../../support/simulator.ts';
import { ticketMessage } from '../../../../src/modules/tickets/discord/ticket-embed.ts';
import type { OpenThreadInput } from '../../../../src/modules/tickets/discord/ticket-channel-manager.ts';

export function apiFor(sim: TestSimulator): API {
  return new API(new REST({ version: '10', api: sim.apiBase }).setToken(sim.botToken));
}

export type SimThread = { id: string; name: string; type: number; parent_id: string; archived: boolean; locked: boolean; members: string[] };
export type SimChannel = { id: string; name: string; type: number; parent_id: string | null };
export type GuildState = { channels: SimChannel[]; threads: SimThread[] };
export type SimMessage = {
  id: string;
  content: string;
  mention_roles: string[];
  embeds: APIEmbed[];
  components: { components: { label?: string; custom_id?: string; url?: string }[] }[];
  attachments: { filename: string }[];
};

export function guildState(sim: TestSimulator, guildId: string): Promise<GuildState> {
  return sim.control<GuildState>('GET', `/guilds/${guildId}`);
}

export function messagesIn(sim: TestSimulator, channelId: string): Promise<SimMessage[]> {
  return sim.control<SimMessage[]>('GET', `/channels/${channelId}/messages`);
}

export function byName(state: GuildState, name: string): SimChannel[] {
  return state.channels.filter((c) => c.name === name);
}

/** The input to open ticket `number` in the category whose channel is `channelName`. */
export function ticketInput(guildId: string, channelName: string, number: number, creatorId: string, staffRoleIds: string[] = []): OpenThreadInput {
  const { embed, components } = ticketMessage({
    ticketId: `t${number}`,
    number,
    title: `Problem number ${number}`,
    description: 'Something is broken.',
    creatorId,
    status: 'open',
    priority: number % 2 === 0 ? 'urgent' : 'normal',
    category: { name: channelName },
    createdAt: new Date(),
    dashboardUrl: `https://hub.example/tickets/t${number}`,
  });
  return { guildId, ticketCategory: { channelName }, number, title: `Problem number ${number}`, creatorId, staffRoleIds, embed, components };
}
