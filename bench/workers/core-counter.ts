/**
 * The ceiling for event routing: a bare @discordjs/core client that only counts MESSAGE_CREATE. Prints
 * `BENCH_CLIENT_READY` after its guild arrived; `{type:'expect', count}` over IPC arms it, and it answers
 * `{type:'received', count}` when that many messages have arrived since.
 */
import { Client, GatewayDispatchEvents, GatewayIntentBits } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import { WebSocketManager } from '@discordjs/ws';

const apiBase = process.env.DISCORD_API_URL;
const token = process.env.DISCORD_TOKEN;
if (!apiBase || !token) {
  process.stderr.write('core counter: DISCORD_API_URL and DISCORD_TOKEN are required\n');
  process.exit(2);
}
const rest = new REST({ version: '10', api: apiBase }).setToken(token);
const gateway = new WebSocketManager({ token, rest, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent });
const client = new Client({ rest, gateway });

let received = 0;
let target = Number.POSITIVE_INFINITY;
client.on(GatewayDispatchEvents.MessageCreate, () => {
  received++;
  if (received === target) process.send?.({ type: 'received', count: received });
});
process.on('message', (message: { type?: string; count?: number }) => {
  if (message.type === 'expect' && typeof message.count === 'number') {
    received = 0;
    target = message.count;
    process.send?.({ type: 'armed' });
  }
});
// Stops with the scenario that started it, however that one ended.
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => {
  void Promise.resolve(gateway.destroy()).finally(() => process.exit(0));
});
client.once(GatewayDispatchEvents.GuildCreate, () => process.stdout.write('BENCH_CLIENT_READY {}\n'));
await gateway.connect();
