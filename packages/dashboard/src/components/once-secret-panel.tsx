/** A secret the hub shows exactly once (an app's token, a signing secret): shown until dismissed, with a warning. */
import { useId } from 'react';
import { Button } from './button.tsx';

export function OnceSecretPanel({ title, secrets, onDismiss }: { title: string; secrets: { label: string; value: string }[]; onDismiss: () => void }) {
  const titleId = useId();
  return (
    <section className="secret-panel" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <p>Copy these now: they are shown only once and cannot be read again.</p>
      <dl>
        {secrets.map((secret) => (
          <div key={secret.label} className="secret-row">
            <dt>{secret.label}</dt>
            <dd>
              <code className="secret-value">{secret.value}</code>
            </dd>
          </div>
        ))}
      </dl>
      <Button onClick={onDismiss}>I have copied them</Button>
    </section>
  );
}
