/**
 * Sorts an interaction into what the router treats differently, and reads the few fields that every log
 * line and rate limit needs, whether it came from a server (member.user) or a DM (user).
 */
import {
  ApplicationCommandType,
  InteractionType,
  type APIApplicationCommandAutocompleteInteraction,
  type APIChatInputApplicationCommandInteraction,
  type APIInteraction,
  type APIMessageComponentInteraction,
  type APIModalSubmitInteraction,
} from 'discord-api-types/v10';

/** `other` covers pings and context-menu commands, which no module declares. */
export type InteractionKind = 'command' | 'component' | 'modal' | 'autocomplete' | 'other';

export type ClassifiedInteraction =
  | { kind: 'command'; interaction: APIChatInputApplicationCommandInteraction }
  | { kind: 'component'; interaction: APIMessageComponentInteraction }
  | { kind: 'modal'; interaction: APIModalSubmitInteraction }
  | { kind: 'autocomplete'; interaction: APIApplicationCommandAutocompleteInteraction }
  | { kind: 'other'; interaction: APIInteraction };

export function classifyInteraction(interaction: APIInteraction): ClassifiedInteraction {
  switch (interaction.type) {
    case InteractionType.ApplicationCommand:
      return interaction.data.type === ApplicationCommandType.ChatInput
        ? { kind: 'command', interaction: interaction as APIChatInputApplicationCommandInteraction }
        : { kind: 'other', interaction };
    case InteractionType.MessageComponent:
      return { kind: 'component', interaction };
    case InteractionType.ModalSubmit:
      return { kind: 'modal', interaction };
    case InteractionType.ApplicationCommandAutocomplete:
      return { kind: 'autocomplete', interaction };
    default:
      return { kind: 'other', interaction };
  }
}

/** The person who used the interaction, or null for a ping. */
export function interactionUserId(interaction: APIInteraction): string | null {
  return interaction.member?.user.id ?? interaction.user?.id ?? null;
}

/** The command name or the custom_id, for log lines; null for a ping. */
export function interactionSubject(classified: ClassifiedInteraction): string | null {
  switch (classified.kind) {
    case 'command':
    case 'autocomplete':
      return `/${classified.interaction.data.name}`;
    case 'component':
    case 'modal':
      return classified.interaction.data.custom_id;
    default:
      return 'data' in classified.interaction && classified.interaction.data && 'name' in classified.interaction.data
        ? classified.interaction.data.name
        : null;
  }
}
