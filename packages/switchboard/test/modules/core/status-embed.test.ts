import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EMBED_FIELD_VALUE_MAX, EMBED_TOTAL_MAX } from 'discord-limits';
import { embedLength } from '../../../src/discord/fit-embed.ts';
import { describeUptime, statusEmbed } from '../../../src/modules/core/status-embed.ts';
import { sampleStatus } from '../../support/sample-bot-status.ts';

const field = (embed: ReturnType<typeof statusEmbed>, prefix: string) => embed.fields?.find((f) => f.name.startsWith(prefix))?.value;

describe('status embed', () => {
  it('shows state, servers, latency, uptime, shards, modules with reasons and the last error', () => {
    const embed = statusEmbed(sampleStatus({ lastError: 'Discord stopped acknowledging heartbeats' }));
    assert.equal(field(embed, 'State'), 'Connected');
    assert.equal(field(embed, 'Servers'), '3');
    assert.equal(field(embed, 'Latency'), '42 ms');
    assert.equal(field(embed, 'Uptime'), '3 h 5 min');
    assert.equal(field(embed, 'Shards'), '#0: connected, 42 ms, 3 servers');
    assert.equal(field(embed, 'Modules'), 'on: core\noff: tickets — needs the Message Content intent');
    assert.equal(embed.fields?.find((f) => f.name.startsWith('Modules'))?.name, 'Modules (1 on, 1 off)');
    assert.equal(field(embed, 'Last error'), 'Discord stopped acknowledging heartbeats');
  });

  it('says when nothing is measured or running yet', () => {
    const embed = statusEmbed(sampleStatus({ running: false, state: 'stopped', latencyMs: null, shards: [], modules: [] }));
    assert.equal(field(embed, 'State'), 'Stopped');
    assert.equal(field(embed, 'Latency'), 'not measured yet');
    assert.equal(field(embed, 'Uptime'), 'not running');
    assert.equal(field(embed, 'Shards'), 'none');
    assert.equal(field(embed, 'Last error'), 'none');
  });

  it('stays within the embed limits with many shards and modules', () => {
    const shards = Array.from({ length: 300 }, (_, id) => ({ id, state: 'reconnecting' as const, latencyMs: null, guilds: 2_500, lastError: 'x'.repeat(200) }));
    const modules = Array.from({ length: 200 }, (_, i) => ({ name: `module-${i}`, enabled: i % 2 === 0, reason: i % 2 ? 'y'.repeat(300) : null }));
    const embed = statusEmbed(sampleStatus({ shards, modules, lastError: 'z'.repeat(5_000) }));
    assert.ok(embed.fields?.every((f) => f.value.length <= EMBED_FIELD_VALUE_MAX));
    assert.ok(embedLength(embed) <= EMBED_TOTAL_MAX);
  });

  it('describes uptime in the largest sensible units', () => {
    assert.equal(describeUptime(40), '40 s');
    assert.equal(describeUptime(12 * 60 + 5), '12 min');
    assert.equal(describeUptime(2 * 86_400 + 4 * 3_600 + 59), '2 d 4 h');
  });
});
