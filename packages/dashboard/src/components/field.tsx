/**
 * The one form field: a label, the control (text-like input, number, textarea, select or checkbox), an
 * optional hint, and the inline error (`role="alert"`) right next to it, tied with aria-describedby.
 */
import { useId, type ReactNode } from 'react';

type Common = { label: string; error?: string | null | undefined; hint?: ReactNode; disabled?: boolean; required?: boolean; name?: string; className?: string };

type InputKind = 'text' | 'number' | 'password' | 'url' | 'datetime-local' | 'search';

export type FieldProps = Common &
  (
    | { kind: InputKind; value: string; onChange: (value: string) => void; min?: number; max?: number; step?: number | 'any'; placeholder?: string; autoComplete?: string; maxLength?: number }
    | { kind: 'textarea'; value: string; onChange: (value: string) => void; rows?: number; placeholder?: string; maxLength?: number; monospace?: boolean }
    | { kind: 'select'; value: string; onChange: (value: string) => void; options: { value: string; label: string; disabled?: boolean }[] }
    | { kind: 'checkbox'; checked: boolean; onChange: (checked: boolean) => void }
  );

export function Field(props: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.hint ? hintId : null, props.error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const shared = { id, name: props.name, disabled: props.disabled, required: props.required, 'aria-invalid': props.error ? true : undefined, 'aria-describedby': describedBy };

  let control: ReactNode;
  switch (props.kind) {
    case 'textarea':
      control = (
        <textarea {...shared} className={props.monospace ? 'monospace' : undefined} value={props.value} rows={props.rows ?? 4} placeholder={props.placeholder} maxLength={props.maxLength} onChange={(event) => props.onChange(event.target.value)} />
      );
      break;
    case 'select':
      control = (
        <select {...shared} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
          {props.options.map((option) => (
            <option key={option.value} value={option.value} disabled={option.disabled}>
              {option.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'checkbox':
      control = <input {...shared} type="checkbox" checked={props.checked} onChange={(event) => props.onChange(event.target.checked)} />;
      break;
    default:
      control = (
        <input
          {...shared}
          type={props.kind}
          value={props.value}
          min={props.min}
          max={props.max}
          step={props.step}
          placeholder={props.placeholder}
          autoComplete={props.autoComplete}
          maxLength={props.maxLength}
          onChange={(event) => props.onChange(event.target.value)}
        />
      );
  }

  return (
    <div className={['field', props.kind === 'checkbox' ? 'field-checkbox' : null, props.error ? 'field-invalid' : null, props.className].filter(Boolean).join(' ')}>
      <label htmlFor={id}>
        {props.label}
        {props.required ? <span aria-hidden="true"> *</span> : null}
      </label>
      {control}
      {props.hint ? (
        <p className="field-hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p className="field-error" id={errorId} role="alert">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
