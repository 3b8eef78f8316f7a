/**
 * A local fake of the Kaltura API v3 parts meetings use, that VERIFIES every KS it receives: it decrypts
 * it with the partner's admin secret, checks the SHA-1 checksum, the partner, the expiry, the session type
 * (admin for the API) and, at the room launch page, the user's privileges. A wrong KS fails the request
 * the way Kaltura does: HTTP 200 with a KalturaAPIException. The decoder is written from Kaltura's
 * description of KS v2, independently of the hub's encoder, so that a mistake in either shows.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type DecodedKs = { partnerId: number; expiresAt: number; type: number; userId: string; privileges: Record<string, string> };

export type FakeRoom = { id: number; name: string; description: string; tags: string; deleted: boolean };
export type FakeEvent = { id: number; summary: string; startDate: number; endDate: number; status: 'active' | 'cancelled'; resourceIds: number[] };

export type KalturaFake = {
  url: string;
  partnerId: number;
  adminSecret: string;
  rooms: Map<number, FakeRoom>;
  events: Map<number, FakeEvent>;
  /** Every API call as `service.action`, in order; refused ones too. */
  calls: { name: string; ok: boolean; error?: string }[];
  /** Launch-page visits that passed verification, with the KS they carried. */
  launches: DecodedKs[];
  /** 'down': connections are destroyed; 'error': every call answers a KalturaAPIException; 'ok': normal. */
  setMode(mode: 'ok' | 'down' | 'error', options?: { failOn?: string }): void;
  decodeKs(ks: string): DecodedKs;
  close(): Promise<void>;
};

class KsRefused extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

function decode(ks: string, partnerId: number, adminSecret: string, nowSeconds: number): DecodedKs {
  const raw = Buffer.from(ks.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  const first = raw.indexOf(0x7c);
  const second = first === -1 ? -1 : raw.indexOf(0x7c, first + 1);
  if (first === -1 || second === -1) throw new KsRefused('INVALID_KS', 'Invalid KS format');
  const version = raw.subarray(0, first).toString('latin1');
  const partner = Number(raw.subarray(first + 1, second).toString('latin1'));
  if (version !== 'v2') throw new KsRefused('INVALID_KS', `KS version ${version} is not v2`);
  if (partner !== partnerId) throw new KsRefused('INVALID_KS', `KS of partner ${partner}, expected ${partnerId}`);
  const sealed = raw.subarray(second + 1);
  if (sealed.length === 0 || sealed.length % 16 !== 0) throw new KsRefused('INVALID_KS', 'KS payload is not whole AES blocks');
  const key = createHash('sha1').update(adminSecret).digest().subarray(0, 16);
  const decipher = createDecipheriv('aes-128-cbc', key, Buffer.alloc(16));
  decipher.setAutoPadding(false);
  let message = Buffer.concat([decipher.update(sealed), decipher.final()]);
  let end = message.length;
  while (end > 0 && message[end - 1] === 0) end--;
  message = message.subarray(0, end);
  if (message.length < 36) throw new KsRefused('INVALID_KS', 'KS payload too short');
  const checksum = message.subarray(0, 20);
  const rest = message.subarray(20);
  if (!createHash('sha1').update(rest).digest().equals(checksum)) throw new KsRefused('INVALID_KS', 'KS checksum does not match (wrong secret or damaged KS)');
  const fields = new URLSearchParams(rest.subarray(16).toString('utf8'));
  const expiresAt = Number(fields.get('_e'));
  const type = Number(fields.get('_t'));
  const userId = fields.get('_u') ?? '';
  if (!Number.isFinite(expiresAt) || !Number.isFinite(type)) throw new KsRefused('INVALID_KS', 'KS lacks _e or _t');
  if (expiresAt <= nowSeconds) throw new KsRefused('EXPIRED_KS', 'KS expired');
  const privileges: Record<string, string> = {};
  for (const [name, value] of fields) if (!name.startsWith('_')) privileges[name] = value;
  return { partnerId: partner, expiresAt, type, userId, privileges };
}

function exception(code: string, message: string): object {
  return { objectType: 'KalturaAPIException', code, message, args: {} };
}

export async function startKalturaFake(options: { partnerId?: number; adminSecret?: string } = {}): Promise<KalturaFake> {
  const partnerId = options.partnerId ?? 4_242_424;
  const adminSecret = options.adminSecret ?? 'f4k3-adm1n-s3cr3t-0123456789abcdef';
  const rooms = new Map<number, FakeRoom>();
  const events = new Map<number, FakeEvent>();
  const calls: KalturaFake['calls'] = [];
  const launches: DecodedKs[] = [];
  let mode: 'ok' | 'down' | 'error' = 'ok';
  let failOn: string | undefined;
  let nextId = 1000;

  const handle = (name: string, params: Record<string, unknown>): object => {
    const ks = typeof params['ks'] === 'string' ? params['ks'] : '';
    const session = decode(ks, partnerId, adminSecret, Math.floor(Date.now() / 1000));
    if (session.type !== 2) throw new KsRefused('SERVICE_FORBIDDEN', 'this action needs an admin KS');
    switch (name) {
      case 'schedule_scheduleresource.add': {
        const input = params['scheduleResource'] as Record<string, unknown> | undefined;
        if (!input || typeof input['name'] !== 'string' || input['name'] === '') throw new KsRefused('PROPERTY_VALIDATION_CANNOT_BE_NULL', 'The property "KalturaScheduleResource::name" cannot be null');
        const room: FakeRoom = { id: nextId++, name: input['name'], description: String(input['description'] ?? ''), tags: String(input['tags'] ?? ''), deleted: false };
        rooms.set(room.id, room);
        return { objectType: 'KalturaLocationScheduleResource', ...room };
      }
      case 'schedule_scheduleresource.delete': {
        const room = rooms.get(Number(params['scheduleResourceId']));
        if (!room) throw new KsRefused('INVALID_OBJECT_ID', 'Invalid object id');
        room.deleted = true;
        return {};
      }
      case 'schedule_scheduleevent.add': {
        const input = params['scheduleEvent'] as Record<string, unknown> | undefined;
        if (!input || typeof input['summary'] !== 'string' || typeof input['startDate'] !== 'number' || typeof input['endDate'] !== 'number') {
          throw new KsRefused('PROPERTY_VALIDATION_CANNOT_BE_NULL', 'summary, startDate and endDate are required');
        }
        const event: FakeEvent = { id: nextId++, summary: input['summary'], startDate: input['startDate'], endDate: input['endDate'], status: 'active', resourceIds: [] };
        events.set(event.id, event);
        return { objectType: 'KalturaMeetingScheduleEvent', id: event.id, summary: event.summary };
      }
      case 'schedule_scheduleeventresource.add': {
        const input = params['scheduleEventResource'] as Record<string, unknown> | undefined;
        const event = events.get(Number(input?.['eventId']));
        const room = rooms.get(Number(input?.['resourceId']));
        if (!event || !room) throw new KsRefused('INVALID_OBJECT_ID', 'Invalid object id');
        event.resourceIds.push(room.id);
        return { objectType: 'KalturaScheduleEventResource', eventId: event.id, resourceId: room.id };
      }
      case 'schedule_scheduleevent.cancel': {
        const event = events.get(Number(params['scheduleEventId']));
        if (!event) throw new KsRefused('INVALID_OBJECT_ID', 'Invalid object id');
        event.status = 'cancelled';
        return { objectType: 'KalturaMeetingScheduleEvent', id: event.id, status: 3 };
      }
      default:
        throw new KsRefused('SERVICE_DOES_NOT_EXISTS', `${name} is not part of this fake`);
    }
  };

  const server = http.createServer((request, response) => {
    if (mode === 'down') {
      request.socket.destroy();
      return;
    }
    const url = new URL(request.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const send = (status: number, body: object | string, type = 'application/json') => {
        response.writeHead(status, { 'content-type': type });
        response.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      // The room's launch page: a member arrives with a user KS that must name this room and a role.
      const launch = /^\/virtualEvent\/launch$/.exec(url.pathname);
      if (launch && request.method === 'GET') {
        try {
          const session = decode(url.searchParams.get('ks') ?? '', partnerId, adminSecret, Math.floor(Date.now() / 1000));
          const roomId = Number(session.privileges['eventSessionContextId']);
          const role = session.privileges['role'];
          if (session.type !== 0) throw new KsRefused('INVALID_KS', 'a room is joined with a user KS');
          if (!rooms.has(roomId) || rooms.get(roomId)!.deleted) throw new KsRefused('INVALID_KS', 'the KS names no existing room');
          if (role !== 'adminRole' && role !== 'viewerRole') throw new KsRefused('INVALID_KS', 'the KS carries no room role');
          launches.push(session);
          return send(200, `<html><body>room ${roomId} as ${role}</body></html>`, 'text/html');
        } catch (error) {
          return send(403, `<html><body>${(error as Error).message}</body></html>`, 'text/html');
        }
      }
      const match = /^\/api_v3\/service\/([a-z_]+)\/action\/([a-zA-Z]+)$/.exec(url.pathname);
      if (!match || request.method !== 'POST') return send(404, exception('SERVICE_DOES_NOT_EXISTS', 'not found'));
      const name = `${match[1]}.${match[2]}`;
      let params: Record<string, unknown>;
      try {
        params = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        calls.push({ name, ok: false, error: 'INVALID_JSON' });
        return send(200, exception('INTERNAL_SERVERL_ERROR', 'body is not JSON'));
      }
      if (mode === 'error' && (failOn === undefined || failOn === name)) {
        calls.push({ name, ok: false, error: 'INTERNAL_SERVERL_ERROR' });
        return send(200, exception('INTERNAL_SERVERL_ERROR', 'Internal server error occurred'));
      }
      try {
        const result = handle(name, params);
        calls.push({ name, ok: true });
        send(200, result);
      } catch (error) {
        if (!(error instanceof KsRefused)) throw error;
        calls.push({ name, ok: false, error: error.code });
        send(200, exception(error.code, error.message));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    partnerId,
    adminSecret,
    rooms,
    events,
    calls,
    launches,
    setMode(next, setOptions = {}) {
      mode = next;
      failOn = setOptions.failOn;
    },
    decodeKs: (ks) => decode(ks, partnerId, adminSecret, Math.floor(Date.now() / 1000)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
