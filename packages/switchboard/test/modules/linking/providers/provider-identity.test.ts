/** Reading who a linked account is: each provider's shape, the Twitch Client-Id, and clear failures for bad answers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROVIDERS } from '../../../../src/modules/linking/providers/provider-table.ts';
import { fetchProviderIdentity, ProviderIdentityError } from '../../../../src/modules/linking/providers/provider-identity.ts';
import type { OAuthPlatform } from '../../../../src/storage/schema.ts';

function answering(status: number, body: unknown, seen: { url?: string; headers?: Headers } = {}): typeof fetch {
  return async (input, init) => {
    seen.url = String(input);
    seen.headers = new Headers(init?.headers);
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  };
}

const lookup = (platform: OAuthPlatform, f: typeof fetch, timeoutMs?: number) =>
  fetchProviderIdentity(PROVIDERS[platform], 'secret-access-token', { clientId: 'cid', fetch: f, ...(timeoutMs ? { timeoutMs } : {}) });

describe('provider identity', () => {
  it("reads each provider's answer", async () => {
    const seen: { url?: string; headers?: Headers } = {};
    assert.deepEqual(await lookup('twitch', answering(200, { data: [{ id: '1', login: 'ada', display_name: 'Ada' }] }, seen)), { id: '1', username: 'Ada' });
    assert.equal(seen.url, 'https://api.twitch.tv/helix/users');
    assert.equal(seen.headers?.get('client-id'), 'cid');
    assert.equal(seen.headers?.get('authorization'), 'Bearer secret-access-token');
    assert.deepEqual(await lookup('youtube', answering(200, { items: [{ id: 'UC1', snippet: { title: 'Channel' } }] })), { id: 'UC1', username: 'Channel' });
    assert.deepEqual(await lookup('kick', answering(200, { data: [{ user_id: 77, name: 'kicker' }] })), { id: '77', username: 'kicker' });
    assert.deepEqual(await lookup('discord', answering(200, { id: '9', username: 'ada', global_name: null })), { id: '9', username: 'ada' });
    await lookup('discord', answering(200, { id: '9', username: 'ada' }, seen));
    assert.equal(seen.headers?.has('client-id'), false, 'only Twitch gets the Client-Id');
  });

  it('fails clearly on an error status, an empty or malformed answer, and a timeout, without the token in the message', async () => {
    const failures = [
      [lookup('twitch', answering(401, { message: 'invalid' })), /twitch user lookup failed \(HTTP 401\)/],
      [lookup('twitch', answering(200, { data: [] })), /no user in the answer/],
      [lookup('youtube', answering(200, { items: [] })), /has no YouTube channel/],
      [lookup('kick', answering(200, { data: [{ name: 'x' }] })), /unexpected shape.*user_id/],
      [lookup('discord', answering(200, 'not json')), /other than JSON/],
      [lookup('discord', (async (_input: unknown, init?: RequestInit) => new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof fetch, 50), /timed out/],
    ] as const;
    for (const [promise, message] of failures) {
      await assert.rejects(promise, (error: unknown) => {
        assert.ok(error instanceof ProviderIdentityError);
        assert.match(error.message, message);
        assert.ok(!error.message.includes('secret-access-token'));
        return true;
      });
    }
  });
});
