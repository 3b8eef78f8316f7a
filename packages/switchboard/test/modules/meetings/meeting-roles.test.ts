/** The meeting role of a member from the guild's role mapping, who may end a meeting, and the KS privileges of each role. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kalturaPrivileges, mayEndMeeting, meetingRoleOf, type MeetingMember } from '../../../src/modules/meetings/meeting-roles.ts';

const HOST = '100000000000000001';
const STAFF = '200000000000000001';
const MEMBER = '200000000000000002';
const GUEST = '200000000000000003';
const meeting = { hostUserId: HOST };
const open = { meetingModerators: [STAFF], meetingParticipants: [] };
const restricted = { meetingModerators: [STAFF], meetingParticipants: [MEMBER] };
const member = (userId: string, roleIds: string[], managesGuild = false): MeetingMember => ({ userId, roleIds, managesGuild });

describe('meeting roles', () => {
  it('the host moderates, even without any role', () => {
    assert.deepEqual(meetingRoleOf(member(HOST, []), meeting, restricted), { ok: true, role: 'moderator' });
  });

  it('a holder of a meeting moderator role moderates', () => {
    assert.deepEqual(meetingRoleOf(member('300000000000000001', [MEMBER, STAFF]), meeting, restricted), { ok: true, role: 'moderator' });
  });

  it('Manage Server (or Administrator) moderates', () => {
    assert.deepEqual(meetingRoleOf(member('300000000000000002', [], true), meeting, restricted), { ok: true, role: 'moderator' });
  });

  it('anyone else takes part when the guild names no participant roles', () => {
    assert.deepEqual(meetingRoleOf(member('300000000000000003', []), meeting, open), { ok: true, role: 'participant' });
    assert.deepEqual(meetingRoleOf(member('300000000000000003', [GUEST]), meeting, { meetingModerators: [], meetingParticipants: [] }), { ok: true, role: 'participant' });
  });

  it('with participant roles, a holder takes part and anyone else is refused, naming the roles that may join', () => {
    assert.deepEqual(meetingRoleOf(member('300000000000000004', [MEMBER]), meeting, restricted), { ok: true, role: 'participant' });
    const refused = meetingRoleOf(member('300000000000000005', [GUEST]), meeting, restricted);
    assert.equal(refused.ok, false);
    if (refused.ok) return;
    assert.deepEqual(refused.allowedRoleIds, [MEMBER, STAFF]);
    assert.match(refused.reason, new RegExp(`<@&${MEMBER}>, <@&${STAFF}>`));
  });

  it('the host, a moderator role holder or Manage Server may end a meeting; a participant may not', () => {
    assert.equal(mayEndMeeting(member(HOST, []), meeting, restricted), true);
    assert.equal(mayEndMeeting(member('300000000000000001', [STAFF]), meeting, restricted), true);
    assert.equal(mayEndMeeting(member('300000000000000002', [], true), meeting, restricted), true);
    assert.equal(mayEndMeeting(member('300000000000000004', [MEMBER]), meeting, restricted), false);
  });

  it('moderators enter as the room admin, participants as viewers, both in the one room', () => {
    assert.equal(kalturaPrivileges('moderator', 1234), 'eventSessionContextId:1234,role:adminRole,userContextualRole:0');
    assert.equal(kalturaPrivileges('participant', 1234), 'eventSessionContextId:1234,role:viewerRole,userContextualRole:3');
  });
});
