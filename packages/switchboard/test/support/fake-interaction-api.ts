/**
 * A stand-in for `@discordjs/core`'s API that records the interaction calls made on it, for tests of the
 * responder and the router that need no simulator. `delayMs` slows every call; `fail` makes the next
 * call of a method reject with the given error.
 */
import type { API } from '@discordjs/core';
import { InteractionType, type APIInteraction } from 'discord-api-types/v10';

export type RecordedCall = { method: string; args: unknown[] };

export type FakeInteractionApi = {
  api: API;
  calls: RecordedCall[];
  /** The method names, in call order. */
  methods(): string[];
  failNext(method: string, error: Error): void;
};

export function fakeInteractionApi(options: { delayMs?: number } = {}): FakeInteractionApi {
  const calls: RecordedCall[] = [];
  const failures = new Map<string, Error>();
  const record =
    (method: string) =>
    async (...args: unknown[]): Promise<unknown> => {
      calls.push({ method, args });
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const failure = failures.get(method);
      if (failure) {
        failures.delete(method);
        throw failure;
      }
      return { id: String(calls.length), content: '' };
    };
  const interactions = Object.fromEntries(
    ['reply', 'defer', 'deferMessageUpdate', 'updateMessage', 'followUp', 'editReply', 'createModal', 'createAutocompleteResponse'].map((method) => [method, record(method)]),
  );
  return {
    api: { interactions } as unknown as API,
    calls,
    methods: () => calls.map((call) => call.method),
    failNext: (method, error) => failures.set(method, error),
  };
}

/** A snowflake for `at` (ms since the Unix epoch). */
export function snowflakeAt(at: number, increment = 0): string {
  return ((BigInt(at - 1_420_070_400_000) << 22n) | BigInt(increment)).toString();
}

let counter = 0;

type InteractionOverrides = { at?: number; userId?: string; type?: InteractionType; data?: Record<string, unknown>; message?: Record<string, unknown> };

/** A minimal interaction of the given type, created at `at` (default now). */
export function fakeInteraction(overrides: InteractionOverrides = {}): APIInteraction {
  counter += 1;
  const type = overrides.type ?? InteractionType.ApplicationCommand;
  const defaultData =
    type === InteractionType.MessageComponent
      ? { custom_id: 'probe:press', component_type: 2 }
      : type === InteractionType.ModalSubmit
        ? { custom_id: 'probe:form', components: [] }
        : { id: '1', name: 'ping', type: 1, options: [] };
  return {
    id: snowflakeAt(overrides.at ?? Date.now(), counter % 4096),
    application_id: '100',
    type,
    token: `token-${counter}`,
    version: 1,
    guild_id: '200',
    channel_id: '300',
    member: { user: { id: overrides.userId ?? '400', username: 'alice' } },
    data: overrides.data ?? defaultData,
    ...(overrides.message ? { message: overrides.message } : {}),
  } as unknown as APIInteraction;
}
