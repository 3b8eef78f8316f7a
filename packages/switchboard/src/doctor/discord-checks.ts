/**
 * Doctor checks that ask Discord: the token, the privileged intents the enabled modules need, the guilds
 * the bot is in, and the permissions it holds there against what the modules need.
 */
import { API } from '@discordjs/core';
import { DiscordAPIError, REST } from '@discordjs/rest';
import type { Config } from '../config/environment.ts';
import { decideIntents } from '../discord/intents.ts';
import { basePermissions, missingPermissions, permissionName } from '../discord/permissions.ts';
import type { HubModule } from '../modules/hub-module.ts';
import type { CheckResult, DoctorCheck } from './doctor-check.ts';

/** Guilds whose permissions are checked one by one; beyond that the doctor samples, to stay quick. */
const GUILDS_CHECKED_MAX = 25;

/** One request's limit; a check makes one or two (with the retry), Permissions two per guild checked. */
const DISCORD_REQUEST_TIMEOUT_MS = 5000;
const DISCORD_CHECK_TIMEOUT_MS = 2 * DISCORD_REQUEST_TIMEOUT_MS + 1000;

function inviteUrl(applicationId: string, permissions: bigint): string {
  return `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot+applications.commands&permissions=${permissions}`;
}

function failure(error: unknown, what: string): CheckResult {
  if (error instanceof DiscordAPIError && error.status === 401) {
    return { status: 'fail', detail: 'Discord rejected DISCORD_TOKEN', fix: 'create a new token in the Developer Portal (Bot → Reset Token) and set DISCORD_TOKEN' };
  }
  return { status: 'fail', detail: `could not ${what}: ${error instanceof Error ? error.message : String(error)}`, fix: 'check the network and DISCORD_API_URL' };
}

export function discordChecks(config: Config | undefined, modules: readonly HubModule[]): DoctorCheck[] {
  const skip = async (): Promise<CheckResult> => ({ status: 'skip', detail: 'needs DISCORD_TOKEN and a valid configuration' });
  if (!config?.discordToken) {
    return ['Discord login', 'Privileged intents', 'Guilds', 'Permissions'].map((name) => ({ name, run: skip }));
  }
  const rest = new REST({ version: '10', api: config.discordApiUrl, timeout: DISCORD_REQUEST_TIMEOUT_MS, retries: 1 }).setToken(config.discordToken);
  const api = new API(rest);
  const needed = modules.reduce((bits, m) => (m.permissions ?? []).reduce((b, p) => b | p, bits), 0n);
  let botId: string | undefined;
  let applicationId: string | undefined;

  return [
    {
      name: 'Discord login',
      timeoutMs: DISCORD_CHECK_TIMEOUT_MS,
      async run() {
        try {
          const me = await api.users.getCurrent();
          botId = me.id;
          return { status: 'pass', detail: `the token belongs to ${me.username} (${me.id})` };
        } catch (error) {
          return failure(error, 'log in');
        }
      },
    },
    {
      name: 'Privileged intents',
      timeoutMs: DISCORD_CHECK_TIMEOUT_MS,
      async run() {
        try {
          const application = await api.applications.getCurrent();
          applicationId = application.id;
          const decision = decideIntents(modules, application.flags ?? 0);
          const fix = 'enable them in the Developer Portal (your application → Bot → Privileged Gateway Intents)';
          if (decision.fatal) return { status: 'fail', detail: decision.fatal, fix };
          if (decision.disabled.length > 0) {
            return { status: 'warn', detail: decision.disabled.map((d) => `${d.module.name} ${d.reason.split(':')[0]}`).join('; '), fix };
          }
          return { status: 'pass', detail: 'every enabled module has the intents it needs' };
        } catch (error) {
          return failure(error, 'read the application');
        }
      },
    },
    {
      name: 'Guilds',
      timeoutMs: DISCORD_CHECK_TIMEOUT_MS,
      async run() {
        try {
          const guilds = await api.users.getGuilds({ limit: 200 });
          if (guilds.length > 0) return { status: 'pass', detail: `the bot is in ${guilds.length}${guilds.length === 200 ? '+' : ''} guild(s)` };
          return {
            status: 'warn',
            detail: 'the bot is in no guild yet',
            fix: applicationId ? `invite it: ${inviteUrl(applicationId, needed)}` : 'invite it from the Developer Portal (OAuth2 → URL Generator, scopes bot and applications.commands)',
          };
        } catch (error) {
          return failure(error, 'list the guilds');
        }
      },
    },
    {
      name: 'Permissions',
      timeoutMs: 30_000,
      async run() {
        if (!botId) return { status: 'skip', detail: 'needs a working login' };
        if (needed === 0n) return { status: 'pass', detail: 'the enabled modules need no guild permissions' };
        try {
          const guilds = (await api.users.getGuilds({ limit: 200 })).slice(0, GUILDS_CHECKED_MAX);
          const problems: string[] = [];
          for (const guild of guilds) {
            const [roles, member] = await Promise.all([api.guilds.getRoles(guild.id), api.guilds.getMember(guild.id, botId)]);
            const missing = missingPermissions(basePermissions(guild.id, roles, member.roles), needed);
            if (missing.length > 0) problems.push(`${guild.name}: ${missing.map(permissionName).join(', ')}`);
          }
          if (problems.length === 0) return { status: 'pass', detail: `the bot has what the modules need in ${guilds.length} guild(s) checked` };
          return {
            status: 'fail',
            detail: `missing in ${problems.length} guild(s): ${problems.join('; ')}`,
            fix: 'give the bot\'s role these permissions in Server Settings → Roles (or re-invite it with the link from the Guilds check)',
          };
        } catch (error) {
          return failure(error, 'read the guild permissions');
        }
      },
    },
  ];
}
