/**
 * The route reference of docs/api.md, rendered from the hub's own OpenAPI document: `npm run docs:api`
 * writes it and packages/switchboard/test/http/api-docs.test.ts fails when the file differs, so the
 * reference cannot drift from the route schemas. The document is read from a hub built in-process
 * (no Discord connection, no listening socket, a throwaway SQLite database in a temporary folder).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseEnvironment } from '../packages/switchboard/src/config/environment.ts';
import { createHub } from '../packages/switchboard/src/hub.ts';
import { createLogger } from '../packages/switchboard/src/logging/logger.ts';

export type OpenApiSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  additionalProperties?: boolean | OpenApiSchema;
  propertyNames?: OpenApiSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  allOf?: OpenApiSchema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
};

export type OpenApiParameter = { name: string; in: string; required?: boolean; description?: string; schema?: OpenApiSchema };

export type OpenApiOperation = {
  summary?: string;
  description?: string;
  tags?: string[];
  'x-switchboard-auth'?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: OpenApiSchema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: OpenApiSchema }> }>;
};

export type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

export const ROUTES_START = '<!-- routes:start -->';
export const ROUTES_END = '<!-- routes:end -->';

const METHOD_ORDER = ['get', 'post', 'put', 'patch', 'delete'];
/** Nested request fields are listed to this depth; deeper objects show as `object`. */
const MAX_FIELD_DEPTH = 3;
/** Response data is sketched to this depth; deeper objects show as `{…}`. */
const MAX_SKETCH_DEPTH = 2;
/** @fastify/swagger's description of a response whose schema has none: says nothing, so it is not printed. */
const PLACEHOLDER_DESCRIPTION = 'Default Response';

/** The codes behind each error status, in short; the "Answers" table above the reference lists them all. */
const ERROR_CODES: Record<string, string> = {
  '400': '`validation_failed`, `invalid_json`',
  '401': '`unauthorized`',
  '403': '`forbidden`',
  '404': '`not_found`',
  '409': 'a conflict with what exists: `name_taken`, `duplicate`, …',
  '413': '`payload_too_large`',
  '415': '`unsupported_media_type`',
  '422': 'well-formed but refused: `invalid`, `not_allowed`, …',
  '429': '`rate_limited`',
  '502': '`discord_unavailable`: Discord answered with a 5xx',
  '503': '`discord_paused`: the invalid-request breaker refuses calls to Discord',
};

const WHO: Record<string, string> = {
  public: 'anyone, no token',
  viewer: 'viewer or admin',
  admin: 'admin',
  app: "the app's own token (`sba_…`), or admin",
};

/** Builds a hub in-process and answers its OpenAPI document. */
export async function readOpenApiDocument(): Promise<OpenApiDocument> {
  const folder = mkdtempSync(path.join(tmpdir(), 'switchboard-api-docs-'));
  try {
    const parsed = parseEnvironment({
      DATABASE_URL: `sqlite:${path.join(folder, 'docs.db')}`,
      ENCRYPTION_KEYS: `docs:${randomBytes(32).toString('base64')}`,
      PUBLIC_URL: 'http://localhost:8080',
      LOG_LEVEL: 'silent',
    });
    if (!parsed.ok) throw new Error(`the configuration of the documentation hub is invalid: ${JSON.stringify(parsed.problems)}`);
    const hub = await createHub(parsed.config, createLogger({ level: 'silent' }), { discord: false });
    try {
      const response = await hub.http.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      if (response.statusCode !== 200) throw new Error(`GET /api/v1/openapi.json answered ${response.statusCode}: ${response.body.slice(0, 500)}`);
      return response.json<OpenApiDocument>();
    } finally {
      await hub.stop();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** `text` with what lies between `start` and `end` replaced by `content`; `file` names the text in the error when a marker is missing. */
export function replaceBetweenMarkers(text: string, start: string, end: string, content: string, file: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < 0 || to < from) throw new Error(`${file} lacks the ${start} … ${end} markers (in that order)`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
const code = (text: string): string => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);
const json = (value: unknown): string => JSON.stringify(value);

/** A schema's type in a few characters: `string`, `integer \| null`, `"open" \| "closed"`, `string[]`, `{ [key]: string }`. */
export function typeOf(schema: OpenApiSchema | undefined): string {
  if (!schema) return 'any';
  if (schema.const !== undefined) return json(schema.const);
  if (schema.enum) return schema.enum.map(json).join(' | ');
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return [...new Set(variants.map(typeOf))].join(' | ');
  if (schema.allOf) return schema.allOf.map(typeOf).join(' & ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return schema.properties ? 'object' : 'any';
  return types
    .map((type) => {
      if (type === 'array') return `${wrapUnion(typeOf(schema.items))}[]`;
      if (type === 'object' && !schema.properties && typeof schema.additionalProperties === 'object') {
        return `{ [${schema.propertyNames ? typeOf(schema.propertyNames) : 'key'}]: ${typeOf(schema.additionalProperties)} }`;
      }
      return type;
    })
    .join(' | ');
}

const wrapUnion = (type: string): string => (type.includes(' | ') ? `(${type})` : type);

/** The limits a value must keep: lengths, ranges, pattern, format, item counts, default. */
export function constraintsOf(schema: OpenApiSchema | undefined): string[] {
  if (!schema) return [];
  const found: string[] = [];
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) for (const variant of variants) found.push(...constraintsOf(variant));
  if (schema.minLength !== undefined && schema.maxLength !== undefined) found.push(`${schema.minLength}–${schema.maxLength} characters`);
  else if (schema.minLength !== undefined) found.push(`at least ${schema.minLength} characters`);
  else if (schema.maxLength !== undefined) found.push(`at most ${schema.maxLength} characters`);
  const low = schema.minimum !== undefined ? `${schema.minimum} ≤ ` : schema.exclusiveMinimum !== undefined ? `${schema.exclusiveMinimum} < ` : '';
  const high = schema.maximum !== undefined ? ` ≤ ${schema.maximum}` : schema.exclusiveMaximum !== undefined ? ` < ${schema.exclusiveMaximum}` : '';
  if (low || high) found.push(`${low}n${high}`);
  if (schema.minItems !== undefined && schema.maxItems !== undefined) found.push(`${schema.minItems}–${schema.maxItems} items`);
  else if (schema.minItems !== undefined) found.push(`at least ${schema.minItems} items`);
  else if (schema.maxItems !== undefined) found.push(`at most ${schema.maxItems} items`);
  if (schema.items) found.push(...constraintsOf(schema.items).map((limit) => `each: ${limit}`));
  // A format (date-time, uuid, uri…) says what zod's generated pattern for it would say, in one word.
  if (schema.format) found.push(`format ${schema.format}`);
  else if (schema.pattern) found.push(`pattern ${code(schema.pattern)}`);
  if (schema.default !== undefined) found.push(`default ${code(json(schema.default))}`);
  return [...new Set(found)];
}

type FieldRow = { name: string; schema: OpenApiSchema; required: boolean };

/** An object's fields, nested ones as `a.b` and items of object arrays as `a[].b`, to MAX_FIELD_DEPTH. */
function fieldsOf(schema: OpenApiSchema, prefix = '', depth = 1): FieldRow[] {
  const rows: FieldRow[] = [];
  const required = new Set(schema.required ?? []);
  for (const name of Object.keys(schema.properties ?? {}).sort()) {
    const field = schema.properties![name]!;
    const qualified = `${prefix}${name}`;
    rows.push({ name: qualified, schema: field, required: required.has(name) });
    if (depth >= MAX_FIELD_DEPTH) continue;
    const object = objectWithFields(field);
    if (object) rows.push(...fieldsOf(object, `${qualified}.`, depth + 1));
    const items = field.items ? objectWithFields(field.items) : undefined;
    if (items) rows.push(...fieldsOf(items, `${qualified}[].`, depth + 1));
  }
  return rows;
}

/** The object variant of a schema that has named fields (also inside `anyOf`, as a nullable object is). */
function objectWithFields(schema: OpenApiSchema): OpenApiSchema | undefined {
  if (schema.properties) return schema;
  return (schema.anyOf ?? schema.oneOf)?.find((variant) => variant.properties);
}

/** Response data in one line: `{ id, name, items: [{ … }] }`. */
export function sketchOf(schema: OpenApiSchema | undefined, depth = 0): string {
  if (!schema) return 'any';
  const object = objectWithFields(schema);
  if (object) {
    if (depth >= MAX_SKETCH_DEPTH) return '{…}';
    const fields = Object.keys(object.properties!).map((name) => {
      const field = object.properties![name]!;
      const nested = objectWithFields(field) ?? (field.items && objectWithFields(field.items));
      return nested ? `${name}: ${sketchOf(field, depth + 1)}` : name;
    });
    const nullable = object !== schema ? ' | null' : '';
    return `{ ${fields.join(', ')} }${nullable}`;
  }
  if (schema.items && (Array.isArray(schema.type) ? schema.type.includes('array') : schema.type === 'array')) return `[${sketchOf(schema.items, depth)}]`;
  return typeOf(schema);
}

function whoMayCall(path: string, operation: OpenApiOperation): string {
  const auth = operation['x-switchboard-auth'];
  if (auth === undefined) return 'anyone: outside `/api/v1`, no token is checked';
  const who = WHO[auth];
  if (!who) throw new Error(`${path}: unknown x-switchboard-auth ${auth}`);
  // Authentication lets a guild manager's session call any non-app route of the guilds it manages.
  return path.includes('{guildId}') && auth !== 'app' && auth !== 'public' ? `${who}; a guild manager's dashboard session for its guilds` : who;
}

function renderParameters(parameters: OpenApiParameter[]): string[] {
  if (parameters.length === 0) return [];
  const ordered = [...parameters].sort((a, b) => (a.in === b.in ? 0 : a.in === 'path' ? -1 : 1));
  return [
    '| Parameter | In | Type | Required | Constraints |',
    '|---|---|---|---|---|',
    ...ordered.map((parameter) => {
      const notes = [...(parameter.description ? [parameter.description] : []), ...constraintsOf(parameter.schema)];
      return `| \`${parameter.name}\` | ${parameter.in} | ${cell(code(typeOf(parameter.schema)))} | ${parameter.required ? 'yes' : 'no'} | ${cell(notes.join('; ')) || '—'} |`;
    }),
    '',
  ];
}

function renderBody(body: OpenApiOperation['requestBody']): string[] {
  if (!body?.content) return [];
  const lines: string[] = [];
  for (const mediaType of Object.keys(body.content).sort()) {
    const schema = body.content[mediaType]!.schema ?? {};
    const object = objectWithFields(schema);
    const strict = schema.additionalProperties === false ? '; other fields are refused' : '';
    lines.push(`Body (\`${mediaType}\`${body.required ? '' : ', optional'}${strict}):`, '');
    if (!object) {
      lines.push(`${cell(code(typeOf(schema)))}${constraintsOf(schema).length ? ` — ${constraintsOf(schema).join('; ')}` : ''}`, '');
      continue;
    }
    lines.push(
      '| Field | Type | Required | Constraints |',
      '|---|---|---|---|',
      ...fieldsOf(object).map((row) => {
        const notes = [...(row.schema.description ? [row.schema.description] : []), ...constraintsOf(row.schema)];
        return `| \`${row.name}\` | ${cell(code(typeOf(row.schema)))} | ${row.required ? 'yes' : 'no'} | ${cell(notes.join('; ')) || '—'} |`;
      }),
      '',
    );
  }
  return lines;
}

/** The codes of an error status on this operation: the common ones, and those of the dashboard's cookie where they apply. */
function errorCodes(status: string, entry: Entry): string | undefined {
  if (status !== '403') return ERROR_CODES[status];
  const cookieCodes = [...(entry.method === 'get' ? [] : ['`csrf_failed`']), ...(entry.path.includes('{guildId}') ? ['`not_your_guild`'] : [])];
  return cookieCodes.length > 0 ? `${ERROR_CODES[status]}; with the dashboard's cookie also ${cookieCodes.join(', ')}` : ERROR_CODES[status];
}

function renderResponses(entry: Entry): string[] {
  const responses = entry.operation.responses ?? {};
  const statuses = Object.keys(responses).sort();
  const lines: string[] = [];
  const errors: string[] = [];
  for (const status of statuses) {
    const response = responses[status]!;
    const described = response.description && response.description !== PLACEHOLDER_DESCRIPTION ? response.description : '';
    if (Number(status) >= 400) {
      const meaning = [errorCodes(status, entry), described].filter(Boolean).join('; ');
      errors.push(`\`${status}\`${meaning ? ` (${meaning})` : ''}`);
      continue;
    }
    const mediaTypes = Object.keys(response.content ?? {}).sort();
    const parts: string[] = [];
    if (described) parts.push(described);
    for (const mediaType of mediaTypes) {
      const schema = response.content![mediaType]!.schema;
      const data = schema?.properties?.data;
      if (mediaType === 'application/json' && data) parts.push(`\`data\`: ${code(sketchOf(data))}`);
      else parts.push(`\`${mediaType}\`${schema ? ` ${code(sketchOf(schema))}` : ''}`);
    }
    if (parts.length === 0) parts.push(status === '204' ? 'no content' : 'a body the document gives no schema for (see the summary)');
    lines.push(`- \`${status}\` ${parts.join('; ')}`);
  }
  if (errors.length > 0) lines.push(`- Errors: ${errors.join(', ')}`);
  return lines.length > 0 ? ['Responses:', '', ...lines, ''] : [];
}

type Entry = { tag: string; method: string; path: string; operation: OpenApiOperation };

function entriesOf(document: OpenApiDocument): Entry[] {
  const entries: Entry[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      if (!METHOD_ORDER.includes(method)) continue;
      const tag = operation.tags?.[0];
      // Untagged operations are the dashboard's catch-all file route; it is described by hand above.
      if (!tag) continue;
      if (!operation.summary) throw new Error(`${method.toUpperCase()} ${path} has no summary in its route schema`);
      entries.push({ tag, method, path, operation });
    }
  }
  return entries.sort((a, b) => a.tag.localeCompare(b.tag) || a.path.localeCompare(b.path) || METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
}

/** The Markdown between the routes markers: an index, then every operation grouped by tag. */
export function renderRoutesMarkdown(document: OpenApiDocument): string {
  const entries = entriesOf(document);
  if (entries.length === 0) throw new Error('the OpenAPI document has no tagged operations');
  const title = (entry: Entry) => `${entry.method.toUpperCase()} ${entry.path}`;
  const lines: string[] = [
    '<!-- Generated by `npm run docs:api` from GET /api/v1/openapi.json; edit the route schemas, not this part. -->',
    '',
    `${entries.length} operations. Path parameters are written \`{name}\`.`,
    '',
    '| Group | Operation | Who may call it | What it does |',
    '|---|---|---|---|',
    ...entries.map((entry) => `| ${entry.tag} | \`${title(entry)}\` | ${cell(whoMayCall(entry.path, entry.operation))} | ${cell(entry.operation.summary!)} |`),
    '',
  ];
  let tag = '';
  for (const entry of entries) {
    if (entry.tag !== tag) {
      tag = entry.tag;
      lines.push(`### ${tag}`, '');
    }
    const { operation } = entry;
    lines.push(`#### \`${title(entry)}\``, '', operation.summary!, '');
    if (operation.description) lines.push(operation.description, '');
    lines.push(`Who may call it: ${whoMayCall(entry.path, operation)}.`, '');
    lines.push(...renderParameters(operation.parameters ?? []), ...renderBody(operation.requestBody), ...renderResponses(entry));
  }
  while (lines.at(-1) === '') lines.pop();
  return lines.join('\n');
}
