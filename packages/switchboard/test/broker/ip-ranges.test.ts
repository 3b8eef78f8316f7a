import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyIp, parseIpv4, parseIpv6, type IpCategory } from '../../src/broker/ip-ranges.ts';

const CASES: Record<IpCategory, string[]> = {
  public: ['8.8.8.8', '1.1.1.1', '93.184.216.34', '9.255.255.255', '11.0.0.0', '172.15.255.255', '172.32.0.0', '192.167.255.255', '192.169.0.0', '100.63.255.255', '100.128.0.0', '169.253.255.255', '169.255.0.0', '126.255.255.255', '128.0.0.1', '223.255.255.255', '2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'],
  loopback: ['127.0.0.1', '127.255.255.255', '127.1.2.3', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1', '64:ff9b::7f00:1', '2002:7f00:1::'],
  private: ['10.0.0.0', '10.0.0.1', '10.255.255.255', '172.16.0.0', '172.31.255.255', '192.168.0.0', '192.168.255.255', '100.64.0.0', '100.127.255.255', 'fc00::', 'fd12:3456::1', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fec0::1', '::ffff:10.0.0.1', '::ffff:192.168.1.1', '2002:c0a8:101::'],
  link_local: ['169.254.0.0', '169.254.0.1', '169.254.169.253', '169.254.169.255', '169.254.255.255', 'fe80::', 'fe80::1', 'febf:ffff::1', 'fe80::1%eth0', '::ffff:169.254.1.1'],
  metadata: ['169.254.169.254', 'fd00:ec2::254', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '64:ff9b::a9fe:a9fe'],
  unspecified: ['0.0.0.0', '::', '0:0:0:0:0:0:0:0', '::ffff:0.0.0.0'],
  multicast: ['224.0.0.0', '224.0.0.1', '239.255.255.255', 'ff00::', 'ff02::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '::ffff:224.0.0.1'],
  broadcast: ['255.255.255.255', '::ffff:255.255.255.255'],
  reserved: ['0.0.0.1', '0.255.255.255', '240.0.0.0', '255.255.255.254', '192.0.0.8', '192.0.2.1', '198.18.0.1', '198.19.255.255', '198.51.100.7', '203.0.113.9', '::2', '::1.2.3.4', '100::1', '2001:db8::1'],
};

describe('classifyIp', () => {
  for (const [category, addresses] of Object.entries(CASES)) {
    it(`classifies ${category} addresses`, () => {
      for (const address of addresses) assert.equal(classifyIp(address), category, address);
    });
  }

  it('is not fooled by the edges of the private ranges', () => {
    assert.equal(classifyIp('172.15.255.255'), 'public');
    assert.equal(classifyIp('172.16.0.0'), 'private');
    assert.equal(classifyIp('172.31.255.255'), 'private');
    assert.equal(classifyIp('172.32.0.0'), 'public');
    assert.equal(classifyIp('fbff:ffff::1'), 'public');
    assert.equal(classifyIp('fe00::1'), 'public');
    assert.equal(classifyIp('fec0::'), 'private');
  });

  it('accepts bracketed IPv6 and says nothing about names or malformed text', () => {
    assert.equal(classifyIp('[::1]'), 'loopback');
    for (const text of ['', 'localhost', 'example.com', '256.0.0.1', '1.2.3', '01.2.3.4', '::ffff::1', '1:2:3:4:5:6:7:8:9', 'gggg::1']) {
      assert.equal(classifyIp(text), undefined, text);
    }
  });
});

describe('IP parsing', () => {
  it('parses IPv4 to its 32-bit value', () => {
    assert.equal(parseIpv4('0.0.0.0'), 0n);
    assert.equal(parseIpv4('255.255.255.255'), 0xffffffffn);
    assert.equal(parseIpv4('192.168.1.2'), 0xc0a80102n);
    assert.equal(parseIpv4('::1'), undefined);
  });

  it('parses IPv6 in its compressed, full and IPv4-tailed forms to the same value', () => {
    assert.equal(parseIpv6('::'), 0n);
    assert.equal(parseIpv6('::1'), 1n);
    assert.equal(parseIpv6('1::'), 1n << 112n);
    assert.equal(parseIpv6('2001:db8::ff00:42:8329'), parseIpv6('2001:0db8:0000:0000:0000:ff00:0042:8329'));
    assert.equal(parseIpv6('::ffff:192.168.1.2'), parseIpv6('::ffff:c0a8:102'));
    assert.equal(parseIpv6('::ffff:192.168.1.2'), (0xffffn << 32n) | 0xc0a80102n);
    assert.equal(parseIpv6('1.2.3.4'), undefined);
  });
});
