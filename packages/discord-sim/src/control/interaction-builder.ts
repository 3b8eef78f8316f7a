/**
 * Builds the `data` of the interactions a user can cause: a slash command resolved against the registered
 * commands (options typed and resolved), a component used on a message, a modal submitted.
 */
import { ApiError, ErrorCode } from '../rest/errors.ts';
import { flattenComponents } from '../rest/validation/component-validation.ts';
import type { CommandOption, MessageRecord, SimChannel, SimCommand } from '../state/entities.ts';
import type { SimulatedState } from '../state/simulated-state.ts';

type Json = Record<string, unknown>;

const Opt = { Subcommand: 1, Group: 2, String: 3, Integer: 4, Boolean: 5, User: 6, Channel: 7, Role: 8, Mentionable: 9, Number: 10, Attachment: 11 } as const;

const bad = (message: string) => new ApiError(400, ErrorCode.General, message);

/** Finds the chat-input command by name, preferring the guild's own over a global one, as Discord's client does. */
export function findCommand(state: SimulatedState, name: string, guildId: string | undefined): SimCommand {
  const candidates = [...state.commands.values()].filter((c) => c.type === 1 && c.name === name);
  const command = candidates.find((c) => guildId !== undefined && c.guild_id === guildId) ?? candidates.find((c) => c.guild_id === undefined);
  if (!command) throw new ApiError(404, ErrorCode.UnknownApplicationCommand, `No command /${name} is registered for this guild`);
  return command;
}

function optionValues(raw: unknown): Map<string, unknown> {
  if (Array.isArray(raw)) return new Map(raw.map((o) => [String((o as Json).name), (o as Json).value]));
  if (typeof raw === 'object' && raw !== null) return new Map(Object.entries(raw));
  return new Map();
}

class Resolver {
  readonly resolved: { users: Json; members: Json; roles: Json; channels: Json } = { users: {}, members: {}, roles: {}, channels: {} };
  private readonly state: SimulatedState;
  private readonly guildId: string | undefined;
  used = false;

  constructor(state: SimulatedState, guildId: string | undefined) {
    this.state = state;
    this.guildId = guildId;
  }

  user(id: string): boolean {
    const user = this.state.users.get(id);
    if (!user) return false;
    this.resolved.users[id] = user;
    const guild = this.guildId ? this.state.guilds.get(this.guildId) : undefined;
    const member = guild?.members.get(id);
    if (guild && member) {
      const { user: _user, ...partial } = this.state.memberPayload(guild, member);
      this.resolved.members[id] = { ...partial, permissions: this.state.guildPermissions(guild, id).toString() };
    }
    this.used = true;
    return true;
  }

  role(id: string): boolean {
    const role = this.guildId ? this.state.guilds.get(this.guildId)?.roles.get(id) : undefined;
    if (!role) return false;
    this.resolved.roles[id] = role;
    this.used = true;
    return true;
  }

  channel(id: string, userId: string): boolean {
    const channel = this.state.channels.get(id);
    if (!channel || channel.guild_id !== this.guildId) return false;
    const { id: _, ...rest } = channel;
    this.resolved.channels[id] = { id, ...rest, permissions: this.state.channelPermissions(channel, userId).toString() };
    this.used = true;
    return true;
  }

  payload(): Json | undefined {
    if (!this.used) return undefined;
    const out: Json = {};
    for (const [key, value] of Object.entries(this.resolved)) if (Object.keys(value).length > 0) out[key] = value;
    return out;
  }
}

function coerce(def: CommandOption, value: unknown, resolver: Resolver, userId: string): unknown {
  const text = String(value);
  switch (def.type) {
    case Opt.String:
      return text;
    case Opt.Integer:
      if (!Number.isInteger(Number(value))) throw bad(`Option ${def.name} must be an integer`);
      return Number(value);
    case Opt.Number:
      if (!Number.isFinite(Number(value))) throw bad(`Option ${def.name} must be a number`);
      return Number(value);
    case Opt.Boolean:
      return value === true || value === 'true';
    case Opt.User:
      if (!resolver.user(text)) throw bad(`Option ${def.name}: unknown user ${text}`);
      return text;
    case Opt.Role:
      if (!resolver.role(text)) throw bad(`Option ${def.name}: unknown role ${text}`);
      return text;
    case Opt.Channel:
      if (!resolver.channel(text, userId)) throw bad(`Option ${def.name}: unknown channel ${text}`);
      return text;
    case Opt.Mentionable:
      if (!resolver.user(text) && !resolver.role(text)) throw bad(`Option ${def.name}: unknown user or role ${text}`);
      return text;
    default:
      throw bad(`Option ${def.name} has a type the simulator cannot fill (${def.type})`);
  }
}

function leafOptions(defs: CommandOption[], values: Map<string, unknown>, resolver: Resolver, userId: string): Json[] {
  for (const name of values.keys()) if (!defs.some((d) => d.name === name)) throw bad(`Unknown option ${name}`);
  const out: Json[] = [];
  for (const def of defs) {
    if (!values.has(def.name)) {
      if (def.required) throw bad(`Missing required option ${def.name}`);
      continue;
    }
    const value = coerce(def, values.get(def.name), resolver, userId);
    if (def.choices && !def.choices.some((c) => c.value === value)) throw bad(`Option ${def.name} must be one of ${def.choices.map((c) => c.value).join(', ')}`);
    out.push({ name: def.name, type: def.type, value });
  }
  return out;
}

/** `name` may carry the subcommand path (`"ticket open"`), as Discord's client shows it. */
export function commandData(state: SimulatedState, body: Json, guildId: string | undefined, userId: string): { command: SimCommand; data: Json } {
  const path = String(body.name ?? '').trim().split(/\s+/);
  if (typeof body.group === 'string') path.push(body.group);
  if (typeof body.subcommand === 'string') path.push(body.subcommand);
  const command = findCommand(state, path[0] ?? '', guildId);
  const resolver = new Resolver(state, guildId);
  const values = optionValues(body.options);
  const build = (defs: CommandOption[], rest: string[]): Json[] => {
    const nested = defs.filter((d) => d.type === Opt.Subcommand || d.type === Opt.Group);
    if (nested.length === 0) return leafOptions(defs, values, resolver, userId);
    const next = rest[0];
    const def = nested.find((d) => d.name === next);
    if (!def) throw bad(`/${command.name} needs one of: ${nested.map((d) => d.name).join(', ')}`);
    return [{ name: def.name, type: def.type, options: build(def.options ?? [], rest.slice(1)) }];
  };
  const options = build(command.options ?? [], path.slice(1));
  const data: Json = { id: command.id, name: command.name, type: command.type, options };
  if (command.guild_id) data.guild_id = command.guild_id;
  const resolved = resolver.payload();
  if (resolved) data.resolved = resolved;
  return { command, data };
}

export function componentData(state: SimulatedState, record: MessageRecord, body: Json, userId: string): Json {
  const customId = String(body.customId ?? body.custom_id ?? '');
  const component = flattenComponents(record.message.components).find((c) => c.custom_id === customId);
  if (!component) throw bad(`Message ${record.message.id} has no component with custom_id ${customId}`);
  if (component.disabled === true) throw bad(`Component ${customId} is disabled`);
  const type = Number(component.type);
  const data: Json = { custom_id: customId, component_type: type };
  if (type === 2) return data;
  const values = Array.isArray(body.values) ? body.values.map(String) : [];
  if (type === 3) {
    const allowed = Array.isArray(component.options) ? (component.options as Json[]).map((o) => String(o.value)) : [];
    const unknown = values.filter((v) => !allowed.includes(v));
    if (unknown.length > 0) throw bad(`Not an option of ${customId}: ${unknown.join(', ')}`);
  } else {
    const guildId = record.message.guild_id;
    const resolver = new Resolver(state, guildId);
    for (const value of values) {
      const ok = type === 5 ? resolver.user(value) : type === 6 ? resolver.role(value) : type === 8 ? resolver.channel(value, userId) : resolver.user(value) || resolver.role(value);
      if (!ok) throw bad(`Unknown selection ${value}`);
    }
    const resolved = resolver.payload();
    if (resolved) data.resolved = resolved;
  }
  data.values = values;
  return data;
}

export function modalData(body: Json): Json {
  const customId = String(body.customId ?? body.custom_id ?? '');
  if (!customId) throw bad('customId is required');
  const fields = typeof body.fields === 'object' && body.fields !== null ? Object.entries(body.fields as Json) : [];
  return {
    custom_id: customId,
    components: fields.map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value: String(value) }] })),
  };
}

/** The channel object an interaction carries, with the invoking user's permissions in it. */
export function interactionChannel(state: SimulatedState, channel: SimChannel, userId: string): Json {
  return { ...channel, permissions: state.channelPermissions(channel, userId).toString() };
}
