/**
 * The configuration form's fields from the schema's field specs: a fieldset per group of settings, one
 * Field per setting, labelled by its dotted path, with its problem inline.
 */
import { Field } from '../components/field.tsx';
import type { FieldSpec, FieldValue, LeafSpec } from './schema-fields.ts';

type Props = { specs: readonly FieldSpec[]; values: Record<string, FieldValue>; errors: ReadonlyMap<string, string>; disabled: boolean; onChange: (path: string, value: FieldValue) => void };

function hintOf(spec: LeafSpec): string | undefined {
  const parts = [spec.description];
  if (spec.kind === 'number' && (spec.min !== undefined || spec.max !== undefined)) parts.push(`From ${spec.min ?? '−∞'} to ${spec.max ?? '∞'}${spec.integer ? ', whole numbers' : ''}.`);
  if (spec.kind === 'list') parts.push('Comma-separated.');
  if (spec.kind === 'json') parts.push('JSON.');
  const text = parts.filter(Boolean).join(' ');
  return text || undefined;
}

function Leaf({ spec, value, error, disabled, onChange }: { spec: LeafSpec; value: FieldValue | undefined; error: string | undefined; disabled: boolean; onChange: (value: FieldValue) => void }) {
  const common = { label: spec.path, error, disabled, name: spec.path, hint: hintOf(spec) };
  switch (spec.kind) {
    case 'boolean':
      return <Field {...common} kind="checkbox" checked={value === true} onChange={onChange} />;
    case 'number':
      return <Field {...common} kind="number" value={String(value ?? '')} onChange={onChange} step={spec.integer ? 1 : 'any'} {...(spec.min !== undefined ? { min: spec.min } : {})} {...(spec.max !== undefined ? { max: spec.max } : {})} />;
    case 'enum':
      return <Field {...common} kind="select" value={String(value ?? '')} onChange={onChange} options={spec.options.map((option) => ({ value: option, label: option }))} />;
    case 'text':
      return spec.multiline ? (
        <Field {...common} kind="textarea" value={String(value ?? '')} onChange={onChange} rows={3} {...(spec.maxLength !== undefined ? { maxLength: spec.maxLength } : {})} />
      ) : (
        <Field {...common} kind="text" value={String(value ?? '')} onChange={onChange} />
      );
    case 'list':
      return <Field {...common} kind="text" value={String(value ?? '')} onChange={onChange} />;
    case 'json':
      return <Field {...common} kind="textarea" monospace value={String(value ?? '')} onChange={onChange} rows={6} />;
  }
}

export function ConfigFields({ specs, values, errors, disabled, onChange }: Props) {
  return (
    <>
      {specs.map((spec) =>
        spec.kind === 'group' ? (
          <fieldset key={spec.path} className="config-group">
            <legend>{spec.path}</legend>
            {spec.description ? <p className="field-hint">{spec.description}</p> : null}
            <ConfigFields specs={spec.children} values={values} errors={errors} disabled={disabled} onChange={onChange} />
          </fieldset>
        ) : (
          <Leaf key={spec.path} spec={spec} value={values[spec.path]} error={errors.get(spec.path)} disabled={disabled} onChange={(value) => onChange(spec.path, value)} />
        ),
      )}
    </>
  );
}
