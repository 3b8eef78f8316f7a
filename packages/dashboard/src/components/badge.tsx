/** A small labelled status: the tone colours it, the text says it (colour is never the only sign). */
import { words } from '../format/display.ts';
import { toneOf, type Tone } from '../format/status-tones.ts';

export function Badge({ value, tone, label }: { value: string; tone?: Tone; label?: string }) {
  return <span className={`badge badge-${tone ?? toneOf(value)}`}>{label ?? words(value)}</span>;
}
