/** The bot's state as a coloured dot with its words beside it; `data-state` is what the browser tests read. */
import type { IndicatorState } from '../format/status-tones.ts';

export function StatusIndicator({ state, label, large = false }: { state: IndicatorState; label: string; large?: boolean }) {
  return (
    <span className={`status-indicator status-${state}${large ? ' status-large' : ''}`} data-testid="status-indicator" data-state={state} role="status">
      <span className="status-dot" aria-hidden="true" />
      <span className="status-label">
        <span className="visually-hidden">Bot status: </span>
        {label}
      </span>
    </span>
  );
}
