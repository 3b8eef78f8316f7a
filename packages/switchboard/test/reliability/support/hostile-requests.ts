/**
 * fast-check arbitraries for hostile HTTP input, built from an operation's OpenAPI schemas: values of the
 * right shape, and values that are wrong on purpose — wrong types, oversized strings, odd Unicode,
 * injection-shaped text, prototype-pollution keys, malformed JSON.
 */
import fc from 'fast-check';
import type { OpenApiSchema } from './api-routes.ts';

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE apps; --",
  '"; DELETE FROM api_tokens; --',
  '1; SELECT pg_sleep(5)',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2f',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  'http://169.254.169.254/latest/meta-data/',
  'file:///etc/passwd',
  '\u0000',
  '\u202Eevil\u202C',
  'a\u200Bb\uFEFF',
  '🧨'.repeat(50),
  '\uD800',
];

/** A value of any JSON type, often nasty. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.string({ minLength: 5_000, maxLength: 20_000 }),
  fc.constantFrom(null, true, false, 0, -1, 2 ** 53, -(2 ** 63), 1e308, 0.5, '', ' ', [], {}),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }),
  fc.constant({ __proto__: { admin: true }, constructor: { prototype: { polluted: true } } }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }),
);

/** A value that matches the schema's shape (the validator may still refuse a detail of it). */
export function shapedValue(schema: OpenApiSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return hostileValue;
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) return fc.oneof(...alternatives.map((s) => shapedValue(s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string': {
      const max = Math.min(schema.maxLength ?? 40, 300);
      return fc.oneof(fc.string({ minLength: Math.min(schema.minLength ?? 0, max), maxLength: max }), fc.constantFrom(...INJECTIONS), fc.string({ minLength: max + 1, maxLength: max + 50 }));
    }
    case 'integer':
      return fc.oneof(fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000 }), fc.constantFrom(-1, 0, 2 ** 31, Number.MAX_SAFE_INTEGER));
    case 'number':
      return fc.double({ noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(shapedValue(schema.items, depth + 1), { maxLength: 4 });
    case 'object': {
      const properties = schema.properties ?? {};
      const keys = Object.keys(properties);
      if (keys.length === 0) return fc.dictionary(fc.string({ maxLength: 10 }), hostileValue, { maxKeys: 3 });
      return fc.record(Object.fromEntries(keys.map((key) => [key, shapedValue(properties[key], depth + 1)])), { requiredKeys: (schema.required ?? []).filter((k) => keys.includes(k)) });
    }
    default:
      return hostileValue;
  }
}

/** A shaped value with one property replaced by a hostile one (or an extra, unknown property). */
function mutated(schema: OpenApiSchema | undefined): fc.Arbitrary<unknown> {
  return fc.tuple(shapedValue(schema), fc.string({ minLength: 1, maxLength: 12 }), hostileValue, fc.nat()).map(([value, extraKey, bad, pick]) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad;
    const keys = Object.keys(value);
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    copy[keys.length > 0 && pick % 3 !== 0 ? keys[pick % keys.length]! : extraKey] = bad;
    return copy;
  });
}

export type RawBody = { text: string; contentType: string };

/** A request body as sent on the wire: mostly JSON of the schema's shape or nearly so, sometimes broken. */
export function hostileBody(schema: OpenApiSchema | undefined): fc.Arbitrary<RawBody> {
  const json = (arb: fc.Arbitrary<unknown>) => arb.map((value) => ({ text: JSON.stringify(value) ?? 'null', contentType: 'application/json' }));
  return fc.oneof(
    { weight: 3, arbitrary: json(shapedValue(schema)) },
    { weight: 4, arbitrary: json(mutated(schema)) },
    { weight: 1, arbitrary: json(hostileValue) },
    { weight: 1, arbitrary: fc.constantFrom('{', '{"a":}', '[1,2', 'nul', '{"__proto__":{"admin":true}}', '\u0000', '{"a":"\\ud800"}').map((text) => ({ text, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 100 }).map((text) => ({ text, contentType: 'text/plain' })) },
    { weight: 1, arbitrary: fc.constant({ text: `{"big":"${'x'.repeat(1_100_000)}"}`, contentType: 'application/json' }) },
  );
}

/** A path or query value: plausible ids, or hostile text. */
export const hostileParam: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('alpha', '300000000000000001', '1', '0', '-1', '99999999999999999999999', 'open', 'all'),
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 500, maxLength: 3_000 }),
);
