/**
 * Turning the guild configuration's JSON Schema into form fields, the current settings into field values,
 * the edited values into a JSON Merge Patch of only what changed, and the hub's 422 problem paths into the
 * field each belongs to. Pure, so every rule here is tested without a browser.
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  maxLength?: number;
  description?: string;
  $ref?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
};

export type FieldSpec =
  | { kind: 'group'; path: string; description?: string; children: FieldSpec[] }
  | { kind: 'boolean'; path: string; description?: string }
  | { kind: 'number'; path: string; description?: string; integer: boolean; min?: number; max?: number }
  | { kind: 'enum'; path: string; description?: string; options: string[] }
  | { kind: 'text'; path: string; description?: string; multiline: boolean; maxLength?: number }
  | { kind: 'list'; path: string; description?: string }
  | { kind: 'json'; path: string; description?: string };

export type LeafSpec = Exclude<FieldSpec, { kind: 'group' }>;

/** What a field holds while being edited: a checkbox's state, else the text in the control. */
export type FieldValue = string | boolean;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema itself from the schema endpoint's answer (the schema, or `{ schema, defaults }`). */
export function schemaOf(answer: unknown): JsonSchema | null {
  if (!isRecord(answer)) return null;
  if (isRecord(answer.schema) && isRecord(answer.schema.properties)) return answer.schema as JsonSchema;
  if (isRecord(answer.properties)) return answer as JsonSchema;
  return null;
}

/** Follows a local $ref and drops the `null` branch of a nullable schema. */
function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let current = schema;
  for (let depth = 0; depth < 10 && current.$ref; depth++) {
    const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(current.$ref);
    const table = match ? (match[1] === '$defs' ? root.$defs : root.definitions) : undefined;
    const target = match && table ? table[decodeURIComponent(match[2]!)] : undefined;
    if (!target) break;
    current = target;
  }
  const branches = current.anyOf ?? current.oneOf;
  if (branches) {
    const notNull = branches.filter((branch) => branch.type !== 'null');
    if (notNull.length === 1) return resolve({ ...notNull[0]!, ...(current.description ? { description: current.description } : {}) }, root);
  }
  return current;
}

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  return schema.type;
}

function described(schema: JsonSchema): { description?: string } {
  return schema.description ? { description: schema.description } : {};
}

/** Objects become groups; every other setting becomes one field, named by its dotted path. */
export function fieldsOf(schema: JsonSchema, root: JsonSchema = schema, path: readonly string[] = []): FieldSpec[] {
  const resolved = resolve(schema, root);
  const specs: FieldSpec[] = [];
  for (const [key, raw] of Object.entries(resolved.properties ?? {})) {
    const child = resolve(raw, root);
    const childPath = [...path, key];
    const name = childPath.join('.');
    const type = typeOf(child);
    if (type === 'object' && child.properties) {
      specs.push({ kind: 'group', path: name, ...described(child), children: fieldsOf(child, root, childPath) });
    } else if (type === 'boolean') {
      specs.push({ kind: 'boolean', path: name, ...described(child) });
    } else if (type === 'integer' || type === 'number') {
      const min = child.minimum ?? (child.exclusiveMinimum !== undefined ? child.exclusiveMinimum : undefined);
      const max = child.maximum ?? (child.exclusiveMaximum !== undefined ? child.exclusiveMaximum : undefined);
      specs.push({ kind: 'number', path: name, ...described(child), integer: type === 'integer', ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });
    } else if (type === 'string' && Array.isArray(child.enum) && child.enum.every((v) => typeof v === 'string')) {
      specs.push({ kind: 'enum', path: name, ...described(child), options: child.enum as string[] });
    } else if (type === 'string') {
      const multiline = key.toLowerCase().includes('template') || (child.maxLength ?? 0) > 200;
      specs.push({ kind: 'text', path: name, ...described(child), multiline, ...(child.maxLength !== undefined ? { maxLength: child.maxLength } : {}) });
    } else if (type === 'array' && child.items && typeOf(resolve(child.items, root)) === 'string') {
      specs.push({ kind: 'list', path: name, ...described(child) });
    } else {
      specs.push({ kind: 'json', path: name, ...described(child) });
    }
  }
  return specs;
}

export function leavesOf(specs: readonly FieldSpec[]): LeafSpec[] {
  return specs.flatMap((spec) => (spec.kind === 'group' ? leavesOf(spec.children) : [spec]));
}

export function valueAt(source: unknown, path: string): unknown {
  let node = source;
  for (const key of path.split('.')) {
    if (!isRecord(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function setAt(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isRecord(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** The control's value for a setting's current value. */
export function toFieldValue(spec: LeafSpec, value: unknown): FieldValue {
  switch (spec.kind) {
    case 'boolean':
      return value === true;
    case 'number':
      return typeof value === 'number' ? String(value) : '';
    case 'enum':
    case 'text':
      return typeof value === 'string' ? value : '';
    case 'list':
      return Array.isArray(value) ? value.map(String).join(', ') : '';
    case 'json':
      return value === undefined ? '' : JSON.stringify(value, null, 2);
  }
}

export function valuesOf(specs: readonly FieldSpec[], config: unknown): Record<string, FieldValue> {
  return Object.fromEntries(leavesOf(specs).map((spec) => [spec.path, toFieldValue(spec, valueAt(config, spec.path))]));
}

/** The setting's value from the control, or what is wrong with it. */
export function parseFieldValue(spec: LeafSpec, raw: FieldValue): { ok: true; value: unknown } | { ok: false; error: string } {
  switch (spec.kind) {
    case 'boolean':
      return { ok: true, value: raw === true };
    case 'number': {
      const text = String(raw).trim();
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) return { ok: false, error: 'must be a number' };
      if (spec.integer && !Number.isInteger(value)) return { ok: false, error: 'must be a whole number' };
      if (spec.min !== undefined && value < spec.min) return { ok: false, error: `must be at least ${spec.min}` };
      if (spec.max !== undefined && value > spec.max) return { ok: false, error: `must be at most ${spec.max}` };
      return { ok: true, value };
    }
    case 'enum':
      return spec.options.includes(String(raw)) ? { ok: true, value: String(raw) } : { ok: false, error: `must be one of ${spec.options.join(', ')}` };
    case 'text':
      if (spec.maxLength !== undefined && String(raw).length > spec.maxLength) return { ok: false, error: `must be at most ${spec.maxLength} characters` };
      return { ok: true, value: String(raw) };
    case 'list':
      return {
        ok: true,
        value: String(raw)
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0),
      };
    case 'json':
      try {
        return { ok: true, value: JSON.parse(String(raw)) };
      } catch {
        return { ok: false, error: 'must be valid JSON' };
      }
  }
}

/**
 * A JSON Merge Patch (RFC 7396) of the settings whose value changed: nested objects for the path, arrays
 * whole (merge patch replaces them). Problems with a value are returned instead, by path.
 */
export function mergePatchOf(specs: readonly FieldSpec[], current: unknown, values: Record<string, FieldValue>): { patch: Record<string, unknown>; changed: number; errors: Map<string, string> } {
  const patch: Record<string, unknown> = {};
  const errors = new Map<string, string>();
  let changed = 0;
  for (const spec of leavesOf(specs)) {
    const raw = values[spec.path];
    if (raw === undefined) continue;
    const parsed = parseFieldValue(spec, raw);
    if (!parsed.ok) {
      errors.set(spec.path, parsed.error);
      continue;
    }
    if (JSON.stringify(parsed.value) === JSON.stringify(valueAt(current, spec.path))) continue;
    setAt(patch, spec.path, parsed.value);
    changed++;
  }
  return { patch, changed, errors };
}

/**
 * Which field each problem belongs to: the field with the longest path the problem's path starts with
 * (`tickets.categories.0.name` → `tickets.categories`). Problems no field owns stay in `unplaced`.
 */
export function placeProblems(specs: readonly FieldSpec[], problems: ReadonlyMap<string, string>): { byField: Map<string, string>; unplaced: { path: string; message: string }[] } {
  const paths = leavesOf(specs).map((spec) => spec.path);
  const byField = new Map<string, string>();
  const unplaced: { path: string; message: string }[] = [];
  for (const [path, message] of problems) {
    const owner = paths.filter((field) => path === field || path.startsWith(`${field}.`)).sort((a, b) => b.length - a.length)[0];
    if (!owner) {
      unplaced.push({ path, message });
      continue;
    }
    const text = owner === path ? message : `${path.slice(owner.length + 1)}: ${message}`;
    const before = byField.get(owner);
    byField.set(owner, before ? `${before}; ${text}` : text);
  }
  return { byField, unplaced };
}
