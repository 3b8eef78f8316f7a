import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { API } from '@discordjs/core';
import { ChannelType, type GatewayDispatchPayload } from 'discord-api-types/v10';
import { ChannelDirectory } from '../../src/discord/channel-directory.ts';

const dispatch = (t: string, d: object) => ({ op: 0, s: 1, t, d }) as unknown as GatewayDispatchPayload;

describe('ChannelDirectory', () => {
  it('knows the guild and whether a channel is a thread from GUILD_CREATE, and nothing of channels it has not seen', async () => {
    const directory = new ChannelDirectory(() => undefined);
    directory.observe(
      dispatch('GUILD_CREATE', {
        id: 'g1',
        channels: [
          { id: 'text', type: ChannelType.GuildText },
          { id: 'forum', type: ChannelType.GuildForum },
        ],
        threads: [{ id: 'thread', type: ChannelType.PrivateThread }],
      }),
    );
    assert.equal(await directory.guildOf('text'), 'g1');
    assert.equal(directory.isThread('text'), false);
    assert.equal(directory.isThread('forum'), false);
    assert.equal(directory.isThread('thread'), true);
    assert.equal(directory.isThread('unknown'), undefined);
  });

  it('follows channels and threads as they are created and deleted', () => {
    const directory = new ChannelDirectory(() => undefined);
    directory.observe(dispatch('THREAD_CREATE', { id: 't1', guild_id: 'g1', type: ChannelType.PublicThread }));
    directory.observe(dispatch('CHANNEL_CREATE', { id: 'c1', guild_id: 'g1', type: ChannelType.GuildAnnouncement }));
    assert.equal(directory.isThread('t1'), true);
    assert.equal(directory.isThread('c1'), false);
    directory.observe(dispatch('THREAD_DELETE', { id: 't1', guild_id: 'g1', type: ChannelType.PublicThread }));
    directory.observe(dispatch('CHANNEL_DELETE', { id: 'c1', guild_id: 'g1', type: ChannelType.GuildAnnouncement }));
    assert.equal(directory.isThread('t1'), undefined);
    assert.equal(directory.isThread('c1'), undefined);
  });

  it('learns a channel it had not seen from the REST API, thread or not', async () => {
    const channels: Record<string, object> = {
      t2: { id: 't2', guild_id: 'g2', type: ChannelType.AnnouncementThread },
      c2: { id: 'c2', guild_id: 'g2', type: ChannelType.GuildText },
    };
    const api = { channels: { get: async (id: string) => channels[id] } } as unknown as API;
    const directory = new ChannelDirectory(() => api);
    assert.equal(await directory.guildOf('t2'), 'g2');
    assert.equal(await directory.guildOf('c2'), 'g2');
    assert.equal(directory.isThread('t2'), true);
    assert.equal(directory.isThread('c2'), false);
  });
});
