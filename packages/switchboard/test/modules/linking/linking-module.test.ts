/**
 * The linking module's answers that the end-to-end test does not reach: a provider the operator did not
 * set up, and unlinking when the provider cannot be asked (the link is deleted all the same).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { APIChatInputApplicationCommandInteraction } from 'discord-api-types/v10';
import { InteractionResponder } from '../../../src/interactions/interaction-responder.ts';
import { createLogger } from '../../../src/logging/logger.ts';
import type { LinkedConnectionWithTokens } from '../../../src/modules/linking/connection-store.ts';
import { createLinkingModule } from '../../../src/modules/linking/linking-module.ts';
import type { OAuthPlatform } from '../../../src/storage/schema.ts';
import { fakeInteraction, fakeInteractionApi } from '../../support/fake-interaction-api.ts';

const MEMBER = '400';

function setup(configured: OAuthPlatform[], link?: Partial<LinkedConnectionWithTokens>) {
  const issued: string[] = [];
  const removed: string[] = [];
  const revoked: string[] = [];
  let stored = link;
  const module = createLinkingModule({
    invitations: { issue: async (userId, platform) => (issued.push(`${userId}:${platform}`), { token: 't'.repeat(43), expiresAt: Date.now() + 300_000 }) },
    connections: {
      get: async () => stored as LinkedConnectionWithTokens | undefined,
      list: async () => [],
      remove: async (userId, platform) => {
        removed.push(`${userId}:${platform}`);
        const had = stored !== undefined;
        stored = undefined;
        return had;
      },
    },
    client: { revoke: async (platform, token) => void revoked.push(`${platform}:${token}`) },
    configured: (platform) => configured.includes(platform),
    publicUrl: 'https://hub.example.org',
    api: () => {
      throw new Error('no Discord here');
    },
    logger: createLogger({ level: 'silent' }),
  });
  const run = async (name: string, platform?: string) => {
    const fake = fakeInteractionApi();
    const interaction = fakeInteraction({ userId: MEMBER, data: { id: '1', name, type: 1, options: platform ? [{ name: 'platform', type: 3, value: platform }] : [] } });
    const reply = new InteractionResponder({ api: fake.api, interaction });
    await module.onCommand!(interaction as APIChatInputApplicationCommandInteraction, reply, { api: fake.api, logger: createLogger({ level: 'silent' }) });
    assert.equal(fake.calls[0]?.method, 'reply');
    return fake.calls[0]?.args[2] as { content?: string; flags?: number; components?: { components: { url?: string }[] }[] } | undefined;
  };
  return { run, issued, removed, revoked };
}

describe('linking module', () => {
  it('names the variables to set for a provider that is not set up, and issues no link', async () => {
    const { run, issued } = setup(['twitch']);
    const answer = await run('link', 'kick');
    assert.equal(answer?.content, 'Linking Kick is not set up on this hub: the operator sets KICK_CLIENT_ID and KICK_CLIENT_SECRET.');
    assert.equal(answer?.flags, 64);
    assert.deepEqual(issued, []);
    assert.match((await run('link', 'youtube'))?.content ?? '', /GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET/);
  });

  it('gives a configured provider a one-time link button under the public URL', async () => {
    const { run, issued } = setup(['twitch']);
    const answer = await run('link', 'twitch');
    assert.deepEqual(issued, [`${MEMBER}:twitch`]);
    assert.equal(answer?.components?.[0]?.components[0]?.url, `https://hub.example.org/link/${'t'.repeat(43)}`);
  });

  it('refuses a platform outside the four', async () => {
    const { run } = setup(['twitch']);
    assert.match((await run('link', 'myspace'))?.content ?? '', /twitch, youtube, kick or discord/);
  });

  it('unlinks a link whose provider is no longer set up: deleted here, with where to revoke by hand', async () => {
    const { run, removed, revoked } = setup([], { platform: 'discord', platformUsername: 'ada', accessToken: 'at', refreshToken: 'rt' });
    const answer = await run('unlink', 'discord');
    assert.deepEqual(revoked, []);
    assert.deepEqual(removed, [`${MEMBER}:discord`]);
    assert.match(answer?.content ?? '', /could not confirm.*Authorized Apps/);
  });
});
