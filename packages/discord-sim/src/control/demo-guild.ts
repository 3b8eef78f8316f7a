/** The "Switchboard Demo" guild: a small community with categories, staff roles and a dozen members. */
import { createGuildFromSpec, DEFAULT_BOT_PERMISSIONS } from './control-guilds.ts';
import type { SimulatedState } from '../state/simulated-state.ts';

export interface DemoGuildIds {
  guildId: string;
  ownerId: string;
  roles: Record<string, string>;
  channels: Record<string, string>;
  members: Record<string, string>;
}

const PEOPLE: Array<[string, string, string[]]> = [
  ['ada', 'Ada Lovelace', ['Staff']],
  ['grace', 'Grace Hopper', ['Staff']],
  ['alan', 'Alan Turing', ['Moderator']],
  ['katherine', 'Katherine Johnson', ['Moderator']],
  ['linus', 'Linus Pauling', ['Member']],
  ['marie', 'Marie Curie', ['Member']],
  ['nikola', 'Nikola Tesla', ['Member']],
  ['rosalind', 'Rosalind Franklin', ['Member']],
  ['tim', 'Tim Berners-Lee', ['Member']],
  ['hedy', 'Hedy Lamarr', ['Member']],
  ['claude', 'Claude Shannon', ['Member']],
  ['barbara', 'Barbara Liskov', []],
];

export function seedDemoGuild(sim: { state: SimulatedState }): DemoGuildIds {
  const result = createGuildFromSpec(sim.state, {
    name: 'Switchboard Demo',
    roles: [
      { name: 'Member', permissions: [], color: 0x3498db },
      { name: 'Moderator', permissions: ['ManageMessages', 'ModerateMembers', 'ManageThreads'], color: 0x2ecc71, hoist: true },
      { name: 'Staff', permissions: ['ManageThreads', 'ManageMessages', 'KickMembers', 'BanMembers', 'ModerateMembers', 'ManageChannels'], color: 0xe67e22, hoist: true },
    ],
    channels: [
      { name: 'Community', type: 'category' },
      { name: 'Support', type: 'category' },
      { name: 'Events', type: 'category' },
      { name: 'general', parent: 'Community', topic: 'Say hello' },
      { name: 'announcements', parent: 'Community', topic: 'News from the staff' },
      { name: 'bot-commands', parent: 'Community', topic: 'Try the slash commands here' },
      { name: 'support', parent: 'Support', topic: 'Ask for help; the bot opens a thread per question' },
      { name: 'events', parent: 'Events', topic: 'What is coming up' },
    ],
    members: PEOPLE.map(([username, globalName, roles]) => ({ username, global_name: globalName, roles })),
    botPermissions: DEFAULT_BOT_PERMISSIONS,
    botRoleName: 'Switchboard',
  });
  return { guildId: result.guildId, ownerId: result.ownerId, roles: result.roles, channels: result.channels, members: result.members };
}
