/** The browser view, driven by Chromium: post as a member, click the bot's button, see the bot's reply. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { Client, GatewayDispatchEvents, GatewayIntentBits, InteractionType } from '@discordjs/core';
import { REST } from '@discordjs/rest';
import { WebSocketManager } from '@discordjs/ws';
import { chromium } from 'playwright-core';
import { control, createTestGuild, withSim } from '../support/sim-helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false' && process.env.CI !== '0';
const skip = !existsSync(CHROMIUM) && !inCi ? `${CHROMIUM} is not installed (apt-get install chromium)` : false;

test('the page posts a message, shows the bot\'s button, clicks it, shows the reply and runs a command', { skip, timeout: 90_000 }, async () => {
  await withSim({}, async (sim) => {
    const ids = await createTestGuild(sim);
    const rest = new REST({ version: '10', api: sim.apiBase }).setToken(sim.botToken);
    const gateway = new WebSocketManager({ token: sim.botToken, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent, rest });
    const bot = new Client({ rest, gateway });
    bot.on(GatewayDispatchEvents.MessageCreate, async ({ data, api }) => {
      if (data.content !== '!panel') return;
      await api.channels.createMessage(data.channel_id, {
        content: 'Control panel',
        embeds: [{ title: 'Panel', description: 'Press the button', color: 0x5865f2, footer: { text: 'footer text' } }],
        components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: 'wave', label: 'Wave' }] }],
      });
    });
    bot.on(GatewayDispatchEvents.InteractionCreate, async ({ data, api }) => {
      const user = data.member?.user ?? data.user;
      if (data.type === InteractionType.MessageComponent) await api.interactions.reply(data.id, data.token, { content: `Waved back at ${user?.username}` });
      if (data.type === InteractionType.ApplicationCommand) await api.interactions.reply(data.id, data.token, { content: `Hello from /hello, ${user?.username}` });
    });
    const ready = new Promise<void>((resolve) => bot.once(GatewayDispatchEvents.GuildCreate, () => resolve()));
    // The bot's connection is closed whatever fails below (a browser that cannot start, too), or the
    // simulator would wait for it for ever when closing.
    try {
      await gateway.connect();
      await ready;
      await bot.api.applicationCommands.createGuildCommand(sim.applicationId, ids.guildId, { name: 'hello', description: 'Says hello' });

      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
      try {
        const page = await browser.newPage();
        await page.goto(sim.url);
        await page.getByTestId('channel-general').click();
        await page.getByTestId('member-picker').selectOption(ids.members.alice ?? '');
        await page.getByTestId('composer-text').fill('!panel');
        await page.getByTestId('composer-send').click();
        await page.getByTestId('button-wave').click({ timeout: 15_000 });
        await page.getByTestId('messages').getByText('Waved back at alice').waitFor({ timeout: 15_000 });
        assert.equal(await page.getByTestId('embed').locator('.embed-title').textContent(), 'Panel');

        await page.getByTestId('command-picker').selectOption({ label: '/hello' });
        await page.getByTestId('command-run').click();
        await page.getByTestId('messages').getByText('Hello from /hello, alice').waitFor({ timeout: 15_000 });

        const stored = await control<Array<{ content: string }>>(sim, 'GET', `/channels/${ids.channels.general}/messages`);
        assert.deepEqual(stored.map((m) => m.content), ['!panel', 'Control panel', 'Waved back at alice', 'Hello from /hello, alice']);
      } finally {
        await browser.close();
      }
    } finally {
      await gateway.destroy();
    }
  });
});
