/**
 * Registers the enabled modules' slash commands with Discord at start, and only when they changed: the
 * set's hash is compared with the last successful registration stored for the scope (all servers, or the
 * one development server), so that restarts do not spend the overwrite route's small rate limit and users
 * never see commands flicker. Problems Discord would reject stop the start with every problem listed.
 */
import type { API } from '@discordjs/core';
import type { CommandRegistration, CommandRegistrationRepository } from '../storage/command-registration-repository.ts';
import { commandSetHash, validateCommandSet, type CommandProblem, type VersionedCommand } from './command-versioning.ts';

/** What happened at start, for the log line. */
export type RegistrationResult = { registered: boolean; scope: string; count: number; hash: string };

/** The command set cannot be registered; `message` lists every problem. */
export class InvalidCommandSetError extends Error {
  override readonly name = 'InvalidCommandSetError';
  readonly problems: readonly CommandProblem[];

  constructor(problems: readonly CommandProblem[]) {
    super(`the slash commands cannot be registered:\n${problems.map((problem) => `- ${problem.message}`).join('\n')}`);
    this.problems = problems;
  }
}

/** Every command of the given modules, in module order. */
/** What registration needs to know of a module (a hub module has it). */
export type CommandSource = { readonly name: string; readonly commands?: readonly VersionedCommand[] };

export function collectCommands(modules: readonly CommandSource[]): VersionedCommand[] {
  return modules.flatMap((module) => [...(module.commands ?? [])]);
}

/** The stored scope name: `global`, or `guild:<id>` for a development server. */
export function registrationScope(developmentGuildId?: string | null): string {
  return developmentGuildId ? `guild:${developmentGuildId}` : 'global';
}

/**
 * Whether the set must be sent: nothing recorded, a different set, or a different application (a new bot
 * token points at an application that has never seen these commands).
 */
export function needsRegistration(current: { hash: string; applicationId: string }, last: CommandRegistration | undefined): boolean {
  return last === undefined || last.hash !== current.hash || last.applicationId !== current.applicationId;
}

export type RegisterCommandsOptions = {
  api: API;
  applicationId: string;
  /** The enabled modules; disabled ones' commands are not registered. */
  modules: readonly CommandSource[];
  repository: CommandRegistrationRepository;
  /** Register in this one server instead of globally (they appear at once there; global ones can lag). */
  developmentGuildId?: string | null;
  now?: () => number;
};

/**
 * Validates, then overwrites the scope's commands when they changed. Throws `InvalidCommandSetError` for
 * an invalid set, and the REST error when Discord refuses; nothing is recorded then, so the next start
 * tries again.
 */
export async function registerCommands(options: RegisterCommandsOptions): Promise<RegistrationResult> {
  const commands = collectCommands(options.modules);
  const problems = validateCommandSet(commands);
  if (problems.length > 0) throw new InvalidCommandSetError(problems);
  const scope = registrationScope(options.developmentGuildId);
  const hash = commandSetHash(commands);
  const count = commands.length;
  const last = await options.repository.find(scope);
  if (!needsRegistration({ hash, applicationId: options.applicationId }, last)) return { registered: false, scope, count, hash };

  const body = commands.map((command) => command.definition);
  if (options.developmentGuildId) {
    await options.api.applicationCommands.bulkOverwriteGuildCommands(options.applicationId, options.developmentGuildId, body);
  } else {
    await options.api.applicationCommands.bulkOverwriteGlobalCommands(options.applicationId, body);
  }
  await options.repository.record({ scope, applicationId: options.applicationId, hash, commandCount: count, registeredAt: (options.now ?? Date.now)() });
  return { registered: true, scope, count, hash };
}
