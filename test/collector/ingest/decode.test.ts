import { describe, expect, it } from 'vitest';
import { acceptChecked, checkDelivery, decodeDelivery } from '../../../collector/ingest/decode.js';
import { bytes, FakeBlade } from '../../support/messages.js';

const at = new Date('2026-01-05T13:00:00Z');
const blade = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'b01' });

describe('decodeDelivery', () => {
  it('accepts each kind of valid message with the place its topic names', () => {
    for (const [kind, message] of [
      ['birth', blade.birth()],
      ['state', blade.state('online', 'connect')],
      ['health', blade.health()],
      ['event', blade.event()],
    ] as const) {
      const decoded = decodeDelivery(blade.topic(kind), bytes(message), at);
      expect(decoded.ok).toBe(true);
      if (decoded.ok) {
        expect(decoded.value.kind).toBe(kind);
        expect(decoded.value.address).toEqual({ site: 'nyc1', frame: 'f1', blade: 'b01' });
        expect(decoded.value.message.seq).toBe(message.seq);
      }
    }
  });

  it('rejects a topic whose blade differs from the payload', () => {
    const other = new FakeBlade({ site: 'nyc1', frame: 'f1', blade: 'b02' });
    const decoded = decodeDelivery(other.topic('event'), bytes(blade.event()), at);
    expect(decoded).toMatchObject({
      ok: false,
      deadLetter: { code: 'BF_TOPIC_INVALID', reason: expect.stringMatching(/"b02".*"b01"/) },
    });
  });

  it('dead-letters bad topics, non-JSON, schema failures and signals agents may not raise', () => {
    const cases: [string, Buffer, string, RegExp][] = [
      [
        'bladeframe/v1/nyc1/f1/b01/unknown',
        bytes(blade.event()),
        'BF_TOPIC_INVALID',
        /kind "unknown"/,
      ],
      [
        'bladeframe/v1/nyc1/f1/b01/event/extra',
        bytes(blade.event()),
        'BF_TOPIC_INVALID',
        /not bladeframe/,
      ],
      [blade.topic('event'), Buffer.from('{not json'), 'BF_MESSAGE_INVALID', /not JSON/],
      [blade.topic('event'), Buffer.from([0xff, 0x00, 0x13]), 'BF_MESSAGE_INVALID', /not JSON/],
      [
        blade.topic('health'),
        bytes({ ...blade.health(), intervalS: -1 }),
        'BF_MESSAGE_INVALID',
        /intervalS/,
      ],
      [
        blade.topic('event'),
        bytes({ ...blade.event(), signal: 'made.up' }),
        'BF_MESSAGE_INVALID',
        /signal/,
      ],
      [
        blade.topic('event'),
        bytes(blade.event('frame.silent')),
        'BF_MESSAGE_INVALID',
        /never by an agent/,
      ],
      [
        blade.topic('state'),
        bytes({ ...blade.state('online', 'connect'), v: 2 }),
        'BF_MESSAGE_INVALID',
        /^state: v/,
      ],
    ];
    for (const [topic, payload, code, reason] of cases) {
      const decoded = decodeDelivery(topic, payload, at);
      expect(decoded.ok, topic).toBe(false);
      if (!decoded.ok) {
        expect(decoded.deadLetter.code).toBe(code);
        expect(decoded.deadLetter.reason).toMatch(reason);
        expect(decoded.deadLetter.payload).toBe(payload);
        expect(decoded.deadLetter.receivedAt).toBe(at);
      }
    }
  });
});

describe('checked on the ingest thread', () => {
  it("sends a health message's fields beside it, and the store's thread takes them unparsed", () => {
    const health = blade.health(30);
    const checked = checkDelivery(blade.topic('health'), Buffer.from(bytes(health)));
    expect(checked.verdict).toEqual({
      ok: true,
      head: {
        bladeId: 'b01',
        bootId: health.bootId,
        seq: health.seq,
        observedAt: health.observedAt,
        intervalS: 30,
      },
    });
    const accepted = acceptChecked(blade.topic('health'), checked.payload, at, checked.verdict);
    expect(accepted.ok).toBe(true);
    if (!accepted.ok) return;
    // The head is the message; the validated JSON is kept whole as its text.
    expect(accepted.value.message).toEqual(checked.verdict.ok && checked.verdict.head);
    expect(JSON.parse(accepted.value.text!)).toMatchObject({ bladeId: 'b01', intervalS: 30 });
  });

  it('passes a payload on as it came when validation kept all of it, else as validated', () => {
    const health = blade.health(30);
    const whole = Buffer.from(bytes(health));
    expect(checkDelivery(blade.topic('health'), whole).payload).toBe(whole);
    // A newer agent's extra fields, at the top and deep inside: dropped, whatever else is kept.
    for (const extra of [
      { ...health, future: 1 },
      { ...health, cpu: { ...health.cpu, cores: [1, 2] } },
      { ...health, filesystems: [{ ...health.filesystems[0]!, inodes: 9 }] },
    ]) {
      const checked = checkDelivery(blade.topic('health'), Buffer.from(bytes(extra)));
      expect(checked.verdict.ok).toBe(true);
      expect(JSON.parse(checked.payload.toString('utf8'))).toEqual(health);
    }
  });

  it('parses what is not health, and passes on what failed with its reason', () => {
    const event = blade.event();
    const checked = checkDelivery(blade.topic('event'), Buffer.from(bytes(event)));
    expect(checked.verdict).toEqual({ ok: true });
    const accepted = acceptChecked(blade.topic('event'), checked.payload, at, checked.verdict);
    expect(accepted.ok && accepted.value.message).toMatchObject({ signal: event.signal });
    const bad = checkDelivery(blade.topic('health'), Buffer.from('{"v":1}'));
    expect(bad.verdict.ok).toBe(false);
    const dead = acceptChecked(blade.topic('health'), bad.payload, at, bad.verdict);
    expect(dead.ok).toBe(false);
  });
});
