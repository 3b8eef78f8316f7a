/**
 * Each guild's configuration: built-in defaults < its override file < its stored overrides, deep-merged,
 * cached for a short time, and changed only through here — every change is validated first (one problem
 * per path), written with its audit entry in one transaction, and dropped from every instance's cache.
 *
 * A guild whose override file is broken keeps the last valid version of that file (kept in the database)
 * or, without one, the defaults; the problems are reported at start and by `switchboard doctor`.
 */
import { isDeepStrictEqual } from 'node:util';
import type { GuildConfigRepository, AuditEntry } from '../../storage/guild-config-repository.ts';
import type { GuildConfigChangeSource } from '../../storage/schema.ts';
import type { ConfigInvalidation } from './config-invalidation.ts';
import { DEFAULT_GUILD_CONFIG, type GuildConfig } from './guild-config-schema.ts';
import { checkOverride, overrideFor, type ConfigIssue } from './guild-config-validation.ts';
import { applyMergePatch, deepMerge, isPlainObject, pruneEmpty } from './merge.ts';
import type { OverrideFile, OverrideFileProblem } from './override-files.ts';

export const DEFAULT_CONFIG_CACHE_TTL_MS = 30_000;
const WRITE_ATTEMPTS = 5;

export type ConfigChange =
  | { kind: 'set'; path: readonly string[]; value: unknown }
  | { kind: 'patch'; patch: Record<string, unknown> }
  | { kind: 'reset'; path?: readonly string[] };

export type ConfigChangeResult =
  | { ok: true; changed: boolean; config: GuildConfig; overrides: Record<string, unknown> }
  | { ok: false; issues: ConfigIssue[] };

export type GuildConfigView = {
  config: GuildConfig;
  /** What the guild's override file sets (the last valid version when the file is broken); null without a file. */
  file: Record<string, unknown> | null;
  /** What was set through commands, the API and the dashboard. */
  stored: Record<string, unknown>;
  fileProblems: OverrideFileProblem[];
};

export type GuildConfigServiceOptions = {
  repository: GuildConfigRepository;
  invalidation: ConfigInvalidation;
  ttlMs?: number;
  now?: () => number;
};

function withoutPath(overrides: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  if (path.length === 0) return {};
  const [head, ...rest] = path as [string, ...string[]];
  if (!Object.hasOwn(overrides, head)) return overrides;
  const copy = { ...overrides };
  if (rest.length === 0) delete copy[head];
  else if (isPlainObject(copy[head])) copy[head] = withoutPath(copy[head], rest);
  return copy;
}

function describeChange(change: ConfigChange): string {
  switch (change.kind) {
    case 'set':
      return `set ${change.path.join('.')}`;
    case 'reset':
      return change.path && change.path.length > 0 ? `reset ${change.path.join('.')}` : 'reset everything';
    case 'patch':
      return `patch ${Object.keys(change.patch).join(', ') || '(nothing)'}`;
  }
}

export class GuildConfigService {
  readonly #repository: GuildConfigRepository;
  readonly #invalidation: ConfigInvalidation;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { config: GuildConfig; expiresAt: number }>();
  /** Guild id → the file layer in use (the valid file, or its last valid version). */
  #files = new Map<string, Record<string, unknown>>();
  #fileProblems: OverrideFileProblem[] = [];
  readonly #listeners: ((guildId: string, before: GuildConfig, after: GuildConfig) => Promise<void> | void)[] = [];

  constructor(options: GuildConfigServiceOptions) {
    this.#repository = options.repository;
    this.#invalidation = options.invalidation;
    this.#ttlMs = options.ttlMs ?? DEFAULT_CONFIG_CACHE_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Starts listening for other instances' changes. */
  async start(): Promise<void> {
    await this.#invalidation.subscribe((guildId) => this.#cache.delete(guildId));
  }

  async stop(): Promise<void> {
    await this.#invalidation.close();
  }

  /**
   * Takes the override files as read: valid ones are used and remembered as the guild's last valid file;
   * a broken one leaves the guild on its last valid file (or none). Returns the problems.
   */
  async loadFiles(read: { valid: readonly OverrideFile[]; problems: readonly OverrideFileProblem[] }): Promise<OverrideFileProblem[]> {
    const files = new Map<string, Record<string, unknown>>();
    const remembered = await this.#repository.allValidFiles();
    for (const file of read.valid) {
      files.set(file.guildId, file.overrides);
      if (remembered.get(file.guildId)?.fileHash !== file.hash) await this.#repository.saveValidFile(file.guildId, file.overrides, file.hash, this.#now());
    }
    for (const problem of read.problems) {
      if (problem.guildId === null || files.has(problem.guildId)) continue;
      const fallback = remembered.get(problem.guildId);
      if (fallback) files.set(problem.guildId, fallback.overrides);
    }
    this.#files = files;
    this.#fileProblems = [...read.problems];
    this.#cache.clear();
    return this.#fileProblems;
  }

  /** `listener` runs after each change made through this instance, with the settings before and after; its failures are its own. */
  onChanged(listener: (guildId: string, before: GuildConfig, after: GuildConfig) => Promise<void> | void): void {
    this.#listeners.push(listener);
  }

  /** The guilds that have an override file in use (valid, or its last valid version). */
  fileGuildIds(): string[] {
    return [...this.#files.keys()];
  }

  get fileProblems(): readonly OverrideFileProblem[] {
    return this.#fileProblems;
  }

  /** The guild's configuration, from the cache when fresh. */
  async get(guildId: string): Promise<GuildConfig> {
    const now = this.#now();
    const cached = this.#cache.get(guildId);
    if (cached && cached.expiresAt > now) return cached.config;
    const { overrides } = await this.#repository.stored(guildId);
    const config = this.#merge(guildId, overrides);
    this.#cache.set(guildId, { config, expiresAt: now + this.#ttlMs });
    return config;
  }

  async view(guildId: string): Promise<GuildConfigView> {
    const { overrides } = await this.#repository.stored(guildId);
    return {
      config: this.#merge(guildId, overrides),
      file: this.#files.get(guildId) ?? null,
      stored: overrides,
      fileProblems: this.#fileProblems.filter((problem) => problem.guildId === guildId),
    };
  }

  async change(guildId: string, change: ConfigChange, actor: { id: string; source: GuildConfigChangeSource }): Promise<ConfigChangeResult> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const { overrides: before, version } = await this.#repository.stored(guildId);
      const next = pruneEmpty(this.#apply(before, change)) as Record<string, unknown>;
      const check = checkOverride(next);
      if (!check.ok) return check;
      if (isDeepStrictEqual(next, before)) return { ok: true, changed: false, config: this.#merge(guildId, before), overrides: before };
      const written = await this.#repository.replace({
        guildId,
        expectedVersion: version,
        overrides: next,
        actor: actor.id,
        source: actor.source,
        summary: describeChange(change),
        before,
        now: this.#now(),
      });
      if (!written) continue;
      this.#cache.delete(guildId);
      await this.#invalidation.publish(guildId);
      const config = this.#merge(guildId, next);
      const previous = this.#merge(guildId, before);
      for (const listener of this.#listeners) {
        try {
          await listener(guildId, previous, config);
        } catch {
          // A listener's failure (a Discord edit that failed) must not undo or fail a change already stored.
        }
      }
      return { ok: true, changed: true, config, overrides: next };
    }
    throw new Error(`the configuration of guild ${guildId} kept changing underneath; try again`);
  }

  async audit(guildId: string, options: { limit: number; before?: number }): Promise<AuditEntry[]> {
    return this.#repository.audit(guildId, options);
  }

  /** Drops a guild (or every guild) from this instance's cache. */
  invalidate(guildId?: string): void {
    if (guildId === undefined) this.#cache.clear();
    else this.#cache.delete(guildId);
  }

  #apply(before: Record<string, unknown>, change: ConfigChange): unknown {
    switch (change.kind) {
      case 'set':
        return deepMerge(before, overrideFor(change.path, change.value));
      case 'patch':
        return applyMergePatch(before, change.patch);
      case 'reset':
        return withoutPath(before, change.path ?? []);
    }
  }

  #merge(guildId: string, stored: Record<string, unknown>): GuildConfig {
    const withFile = deepMerge(DEFAULT_GUILD_CONFIG, this.#files.get(guildId) ?? {});
    const merged = checkOverride(stored, withFile);
    // Each layer is valid alone; should their sum ever not be, the file layer alone still is.
    return merged.ok ? merged.config : withFile;
  }
}
