/**
 * Which gateway intents to ask for, decided before connecting: every enabled module says what it needs;
 * a privileged intent the application has not enabled in the Developer Portal disables the modules that
 * need it (with the reason, for the status), or stops the start when such a module is essential. Asking
 * for it anyway would only get the connection closed with 4014.
 */
import { ApplicationFlags, GatewayIntentBits } from 'discord-api-types/v10';

type Privileged = { intent: GatewayIntentBits; flags: number; name: string };

export const PRIVILEGED_INTENTS: readonly Privileged[] = [
  {
    intent: GatewayIntentBits.GuildMembers,
    flags: ApplicationFlags.GatewayGuildMembers | ApplicationFlags.GatewayGuildMembersLimited,
    name: 'Server Members',
  },
  {
    intent: GatewayIntentBits.GuildPresences,
    flags: ApplicationFlags.GatewayPresence | ApplicationFlags.GatewayPresenceLimited,
    name: 'Presence',
  },
  {
    intent: GatewayIntentBits.MessageContent,
    flags: ApplicationFlags.GatewayMessageContent | ApplicationFlags.GatewayMessageContentLimited,
    name: 'Message Content',
  },
];

/** What the intent check needs to know of a module (a hub module has all of it). */
export type IntentNeeds = { readonly name: string; readonly intents: readonly GatewayIntentBits[]; readonly essential?: boolean };

export type IntentDecision<M extends IntentNeeds = IntentNeeds> = {
  intents: number;
  enabled: M[];
  disabled: { module: M; reason: string }[];
  /** Set when an essential module cannot run: the hub must not start. */
  fatal: string | null;
};

/** The privileged intents an application with these flags may use, as names. */
export function missingPrivilegedIntents(needed: readonly GatewayIntentBits[], applicationFlags: number): string[] {
  return PRIVILEGED_INTENTS.filter((p) => needed.includes(p.intent) && (applicationFlags & p.flags) === 0).map((p) => p.name);
}

function advice(missing: string[]): string {
  const list = missing.join(' and ');
  return `needs the ${list} intent${missing.length > 1 ? 's' : ''}: enable ${missing.length > 1 ? 'them' : 'it'} for this application in the Developer Portal (Bot → Privileged Gateway Intents), then restart`;
}

export function decideIntents<M extends IntentNeeds>(modules: readonly M[], applicationFlags: number): IntentDecision<M> {
  const enabled: M[] = [];
  const disabled: IntentDecision<M>['disabled'] = [];
  const fatal: string[] = [];
  for (const module of modules) {
    const missing = missingPrivilegedIntents(module.intents, applicationFlags);
    if (missing.length === 0) enabled.push(module);
    else if (module.essential) fatal.push(`the essential module ${module.name} ${advice(missing)}`);
    else disabled.push({ module, reason: advice(missing) });
  }
  const intents = enabled.reduce((bits, module) => module.intents.reduce((b, intent) => b | intent, bits), 0);
  return { intents, enabled, disabled, fatal: fatal.length > 0 ? fatal.join('; ') : null };
}
