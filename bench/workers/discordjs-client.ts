/**
 * A plain discord.js client against the simulator, as the baselines use it: with FORWARD_TO set it is the
 * naive forwarder (each message POSTed as JSON with fetch, one request per event); without, it only
 * connects with the default caches (the memory baseline). Prints `BENCH_CLIENT_READY` once every guild
 * has arrived; answers `{type:'rss'}` like the hub's worker.
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { memoryReport } from '../lib/memory-report.ts';

const apiBase = process.env.DISCORD_API_URL;
const token = process.env.DISCORD_TOKEN;
if (!apiBase || !token) {
  process.stderr.write('discord.js client: DISCORD_API_URL and DISCORD_TOKEN are required\n');
  process.exit(2);
}
const forwardTo = process.env.FORWARD_TO;

const client = new Client({
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.GuildMembers],
  rest: { api: apiBase },
});
// The simulator's gateway URL comes from GET /gateway/bot on its REST API, as with Discord.

if (forwardTo) {
  client.on(Events.MessageCreate, (message) => {
    void fetch(forwardTo, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: message.id, channelId: message.channelId, content: message.content, timestamp: new Date(message.createdTimestamp).toISOString(), sentAt: message.createdTimestamp }),
    }).then(
      (response) => response.arrayBuffer(),
      (error: unknown) => process.stderr.write(`forward failed: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  });
}

client.once(Events.ClientReady, () => process.stdout.write(`BENCH_CLIENT_READY ${JSON.stringify({ guilds: client.guilds.cache.size })}\n`));
process.on('message', (message: { type?: string }) => {
  if (message.type === 'rss') process.send?.(memoryReport(client.guilds.cache.size));
});
// Stops with the scenario that started it, however that one ended.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => {
  void client.destroy().finally(() => process.exit(0));
});
await client.login(token);
