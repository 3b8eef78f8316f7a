/**
 * docs/api.md's route reference is generated from the hub's OpenAPI document (`npm run docs:api`): this test
 * fails when the file is not what the script would write, and checks the renderer on a small document.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  readOpenApiDocument,
  renderRoutesMarkdown,
  replaceBetweenMarkers,
  ROUTES_END,
  ROUTES_START,
  type OpenApiDocument,
} from '../../../../scripts/api-docs-render.ts';

const docsUrl = new URL('../../../../docs/api.md', import.meta.url);

describe('docs/api.md', () => {
  it('is what `npm run docs:api` writes from the OpenAPI document', async () => {
    const current = readFileSync(docsUrl, 'utf8');
    const expected = replaceBetweenMarkers(current, ROUTES_START, ROUTES_END, renderRoutesMarkdown(await readOpenApiDocument()), 'docs/api.md');
    assert.ok(current === expected, 'docs/api.md is out of date with the route schemas: run `npm run docs:api`');
  });

  it('renders who may call an operation, its parameters, body limits and error codes', () => {
    const document: OpenApiDocument = {
      paths: {
        '/api/v1/guilds/{guildId}/things': {
          post: {
            summary: 'Add a thing',
            tags: ['things'],
            'x-switchboard-auth': 'admin',
            parameters: [{ name: 'guildId', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{17,20}$' } }],
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['name'],
                    properties: {
                      name: { type: 'string', minLength: 1, maxLength: 100 },
                      kind: { type: 'string', enum: ['a', 'b'], default: 'a' },
                      tags: { type: 'array', maxItems: 5, items: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } },
                    },
                  },
                },
              },
            },
            responses: {
              '201': { description: 'Default Response', content: { 'application/json': { schema: { type: 'object', properties: { version: { type: 'string' }, data: { type: 'object', properties: { id: { type: 'string' } } } } } } } },
              '409': { description: 'Default Response' },
              '403': { description: 'Default Response' },
            },
          },
        },
        '/api/v1/apps/{id}': { get: { summary: 'One app', tags: ['apps'], 'x-switchboard-auth': 'app' } },
        '/{*}': { get: { responses: { '200': { description: 'Default Response' } } } },
      },
    };
    const markdown = renderRoutesMarkdown(document);
    assert.ok(markdown.indexOf('### apps') < markdown.indexOf('### things'), 'groups are sorted by tag');
    assert.doesNotMatch(markdown, /\{\*\}/, 'the untagged catch-all route is left out');
    assert.match(markdown, /\| things \| `POST \/api\/v1\/guilds\/\{guildId\}\/things` \| admin; a guild manager's dashboard session for its guilds \| Add a thing \|/);
    assert.match(markdown, /\| `guildId` \| path \| `string` \| yes \| pattern `\^\\d\{17,20\}\$` \|/);
    assert.match(markdown, /other fields are refused/);
    assert.match(markdown, /\| `name` \| `string` \| yes \| 1–100 characters \|/);
    assert.match(markdown, /\| `kind` \| `"a" \\\| "b"` \| no \| default `"a"` \|/);
    assert.match(markdown, /\| `tags\[\]\.id` \| `string` \| yes \| — \|/);
    assert.match(markdown, /\| `tags` \| `object\[\]` \| no \| at most 5 items \|/);
    assert.match(markdown, /- `201` `data`: `\{ id \}`/);
    assert.match(markdown, /`403` \(`forbidden`; with the dashboard's cookie also `csrf_failed`, `not_your_guild`\), `409` \(a conflict/);
    assert.match(markdown, /the app's own token/);
  });

  it('refuses an operation without a summary, and a file without markers', () => {
    assert.throws(() => renderRoutesMarkdown({ paths: { '/api/v1/x': { get: { tags: ['x'], 'x-switchboard-auth': 'viewer' } } } }), /GET \/api\/v1\/x has no summary/);
    assert.throws(() => replaceBetweenMarkers('no markers here', ROUTES_START, ROUTES_END, '', 'docs/api.md'), /docs\/api\.md lacks the <!-- routes:start -->/);
  });
});
