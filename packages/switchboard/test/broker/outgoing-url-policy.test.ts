import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCallbackUrl, refusalOf, type ResolvedAddress, type Resolver } from '../../src/broker/outgoing-url-policy.ts';

const STRICT = { allowLoopback: false, allowPrivate: false };
const OPEN = { allowLoopback: true, allowPrivate: true };

function resolverOf(table: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

const dns = resolverOf({
  'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'internal.example.com': ['10.0.0.1'],
  'mixed.example.com': ['93.184.216.34', '10.0.0.1'],
  'sneaky.example.com': ['93.184.216.34', '169.254.169.254'],
  'mapped.example.com': ['::ffff:127.0.0.1'],
  'local.example.com': ['127.0.0.1'],
  'empty.example.com': [],
  'metadata.google.internal': ['93.184.216.34'],
});

async function reasonFor(url: string, policy = STRICT): Promise<string> {
  const result = await checkCallbackUrl(url, policy, dns);
  assert.equal(result.ok, false, `${url} should be refused`);
  return result.ok ? '' : result.reason;
}

describe('callback URL policy', () => {
  it('accepts a public https URL and returns the addresses it checked', async () => {
    const result = await checkCallbackUrl('https://hooks.example.com/switchboard?x=1', STRICT, dns);
    assert.ok(result.ok);
    assert.equal(result.url.href, 'https://hooks.example.com/switchboard?x=1');
    assert.deepEqual(result.addresses.map((a) => a.address), ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']);
  });

  it('refuses other schemes, credentials and garbage', async () => {
    assert.match(await reasonFor('ftp://hooks.example.com/'), /http or https/);
    assert.match(await reasonFor('file:///etc/passwd'), /http or https/);
    assert.match(await reasonFor('https://user:pw@hooks.example.com/'), /credentials/);
    assert.match(await reasonFor('https://user@hooks.example.com/'), /credentials/);
    assert.match(await reasonFor('not a url'), /not a valid URL/);
  });

  it('refuses cloud metadata by address and by name, whatever the policy', async () => {
    assert.match(await reasonFor('http://169.254.169.254/latest/meta-data/', OPEN), /metadata/);
    assert.match(await reasonFor('http://[fd00:ec2::254]/', OPEN), /metadata/);
    assert.match(await reasonFor('http://metadata.google.internal/computeMetadata/v1/', OPEN), /metadata/);
    assert.match(await reasonFor('http://METADATA.google.internal./', OPEN), /metadata/);
    assert.match(await reasonFor('http://sneaky.example.com/', OPEN), /metadata.*169\.254\.169\.254/);
  });

  it('refuses link-local, unspecified, multicast and broadcast whatever the policy', async () => {
    assert.match(await reasonFor('http://169.254.10.10/', OPEN), /link-local/);
    assert.match(await reasonFor('http://[fe80::1]/', OPEN), /link-local/);
    assert.match(await reasonFor('http://0.0.0.0:8080/', OPEN), /unspecified/);
    assert.match(await reasonFor('http://[::]/', OPEN), /unspecified/);
    assert.match(await reasonFor('http://224.0.0.1/', OPEN), /multicast/);
    assert.match(await reasonFor('http://255.255.255.255/', OPEN), /broadcast/);
  });

  it('refuses loopback and private addresses unless allowed', async () => {
    assert.match(await reasonFor('http://127.0.0.1:3000/'), /loopback/);
    assert.match(await reasonFor('http://[::1]:3000/'), /loopback/);
    assert.match(await reasonFor('http://local.example.com/'), /loopback/);
    assert.match(await reasonFor('http://mapped.example.com/'), /loopback/);
    assert.match(await reasonFor('http://internal.example.com/'), /private network.*10\.0\.0\.1/);
    assert.match(await reasonFor('http://192.168.1.10/'), /private/);
    assert.match(await reasonFor('http://100.64.0.1/'), /private/);
    assert.ok((await checkCallbackUrl('http://127.0.0.1:3000/', { allowLoopback: true, allowPrivate: false }, dns)).ok);
    assert.match(await reasonFor('http://internal.example.com/', { allowLoopback: true, allowPrivate: false }), /private/);
    assert.ok((await checkCallbackUrl('http://internal.example.com/', { allowLoopback: false, allowPrivate: true }, dns)).ok);
    assert.match(await reasonFor('http://local.example.com/', { allowLoopback: false, allowPrivate: true }), /loopback/);
  });

  it('refuses a name when any one of its addresses is refused', async () => {
    assert.match(await reasonFor('https://mixed.example.com/'), /10\.0\.0\.1/);
  });

  it('sees through the URL parser’s other spellings of an address', async () => {
    assert.match(await reasonFor('http://2130706433/'), /loopback/); // 127.0.0.1 as one number
    assert.match(await reasonFor('http://0x7f.1/'), /loopback/);
    assert.match(await reasonFor('http://[::ffff:169.254.169.254]/', OPEN), /metadata/);
  });

  it('does not resolve address literals, and reports names that do not resolve', async () => {
    const before = dns.asked.length;
    await checkCallbackUrl('http://8.8.8.8/', STRICT, dns);
    assert.equal(dns.asked.length, before);
    assert.match(await reasonFor('https://nowhere.example.com/'), /could not be resolved \(ENOTFOUND\)/);
    assert.match(await reasonFor('https://empty.example.com/'), /no address/);
  });

  it('says per category whether the policy allows it', () => {
    assert.equal(refusalOf('public', STRICT), undefined);
    assert.equal(refusalOf('loopback', { allowLoopback: true, allowPrivate: false }), undefined);
    assert.equal(refusalOf('private', { allowLoopback: false, allowPrivate: true }), undefined);
    for (const category of ['link_local', 'metadata', 'unspecified', 'multicast', 'broadcast', 'reserved'] as const) {
      assert.ok(refusalOf(category, OPEN), category);
    }
  });
});
