import { afterEach, describe, expect, it } from 'vitest';
import { IngestProcessor } from '../../../collector/ingest/ingest-processor.js';
import { listDeliveries } from '../../../collector/notify/delivery-store.js';
import { QueueMailer } from '../../../collector/notify/mailer.js';
import { ReleaseNotices } from '../../../collector/releases/release-notices.js';
import {
  releaseOf,
  releaseSupport,
  versionIsOf,
} from '../../../collector/releases/release-support.js';
import type { SiteAlert } from '../../../collector/reports/alerts.js';
import type { Store } from '../../../collector/store/open-store.js';
import { ManualClock } from '../../../shared/clock.js';
import type { ContractInput } from '../../../shared/config/contract.js';
import { bytes, FakeBlade } from '../../support/messages.js';
import { RecordingTickets } from '../../support/recording-tickets.js';
import { storeTargets } from '../../support/stores.js';
import { reportContract } from '../reports/support.js';

const withReleases = (c: ContractInput) => {
  c.releases = {
    notice: { recipients: [{ name: 'Dana Whitfield', email: 'dana@example.com' }] },
    majors: [
      // Support ends 16 September 2026: the notice is due 19 May to 18 June 2026.
      { product: 'PAN Manager', version: '5.0', releasedOn: '2024-09-16' },
      { product: 'PAN Manager', version: '5.1', releasedOn: '2025-06-02' },
      { product: 'PAN Manager', version: '6', name: 'PAN Manager 6', releasedOn: '2026-04-20' },
    ],
  };
};
const contract = reportContract(withReleases);

describe('Major Releases and their end of support', () => {
  it('matches a blade’s version to the most specific Major Release', () => {
    expect(versionIsOf('5.0.3', '5.0')).toBe(true);
    expect(versionIsOf('5.0-2', '5.0')).toBe(true);
    expect(versionIsOf('5.01', '5.0')).toBe(false);
    expect(versionIsOf('6.2.1', '6')).toBe(true);
    const majors = reportContract((c) => {
      withReleases(c);
      c.releases!.majors!.push({ product: 'PAN Manager', version: '5', releasedOn: '2024-01-02' });
    }).releases.majors;
    expect(releaseOf({ product: 'pan manager', version: '5.1.2' }, majors)?.version).toBe('5.1');
    expect(releaseOf({ product: 'PAN Manager', version: '5.7' }, majors)?.version).toBe('5');
    expect(releaseOf({ product: 'Other', version: '5.0' }, majors)).toBeNull();
  });

  it('supports each for 24 months, with the notice due 120 to 90 days before the end', () => {
    const at = (today: string) => releaseSupport(contract, [], today)[0]!;
    expect(at('2026-05-18')).toMatchObject({
      endOfSupportOn: '2026-09-16',
      noticeFrom: '2026-05-19',
      noticeBy: '2026-06-18',
      phase: 'supported',
    });
    expect(at('2026-05-19').phase).toBe('notice-window');
    expect(at('2026-06-18').phase).toBe('notice-window');
    expect(at('2026-06-19').phase).toBe('notice-late');
    expect(at('2026-09-16').phase).toBe('ended');
  });
});

describe.each(storeTargets)('end-of-support notices on the $name store', (target) => {
  let store: Store;
  let notices: ReleaseNotices | undefined;
  afterEach(async () => {
    await notices?.stop();
    await store?.close();
  });

  async function fleet(clock: ManualClock, blades: [string, string, string][]) {
    const processor = new IngestProcessor({
      db: store.db,
      tickets: new RecordingTickets(),
      fleet: { silentAfterIntervals: 3, defaultHeartbeatMs: 60_000 },
    });
    for (const [id, product, version] of blades) {
      const blade = new FakeBlade({ site: 'nj1', frame: 'f1', blade: id }, `boot-${id}`, () =>
        clock.now(),
      );
      await processor.process([
        {
          topic: blade.topic('birth'),
          payload: bytes(blade.birth({ software: [{ product, version }] })),
          receivedAt: clock.now(),
        },
      ]);
    }
  }

  function start(clock: ManualClock, c = contract) {
    const mailer = new QueueMailer({ db: store.db, clock, enabled: true });
    notices = new ReleaseNotices({ db: store.db, contract: c, clock, mailer });
    const heard: SiteAlert[] = [];
    notices.onAlert((a) => heard.push(a));
    return { notices, heard };
  }

  const mails = async () =>
    (await listDeliveries(store.db, { eventType: ['mail'] })).map((d) => [d.target, d.subject]);

  it('notifies the customer once, on the first day of the window, of the blades still on it', async () => {
    store = await target.open();
    // Monday 18 May 2026, 08:00 EDT: the day before the window.
    const clock = new ManualClock('2026-05-18T12:00:00Z');
    await fleet(clock, [
      ['b1', 'PAN Manager', '5.0.3'],
      ['b2', 'PAN Manager', '5.0'],
      ['b3', 'PAN Manager', '5.1.2'],
      ['b4', 'Other', '5.0'],
    ]);
    const { notices: n, heard } = start(clock);
    await n.start();
    expect(await n.notices()).toEqual([]);
    const before = (await n.releases())[0]!;
    expect([before.phase, before.blades.map((b) => b.bladeId), before.notice]).toEqual([
      'supported',
      ['b1', 'b2'],
      null,
    ]);

    // 07:00 EDT on 19 May the daily check runs.
    clock.set('2026-05-19T11:00:00Z');
    await n.settled();
    const [notice] = await n.notices();
    expect(notice).toMatchObject({
      releaseKey: 'PAN Manager@5.0',
      endOfSupportOn: '2026-09-16',
      late: false,
      recordedAt: '2026-05-19T11:00:00.000Z',
      mailedAt: '2026-05-19T11:00:00.000Z',
      recipients: ['dana@example.com'],
    });
    expect(notice!.blades.map((b) => [b.bladeId, b.version])).toEqual([
      ['b1', '5.0.3'],
      ['b2', '5.0'],
    ]);
    expect(await mails()).toEqual([
      ['dana@example.com', 'End of support for PAN Manager 5.0 on 2026-09-16'],
    ]);
    expect(heard.map((a) => [a.kind, a.data.release])).toEqual([
      ['release.end-of-support', 'PAN Manager@5.0'],
    ]);
    const activity = await store.db
      .selectFrom('activity')
      .select('data')
      .where('type', '=', 'alert')
      .execute();
    expect(activity.map((a) => JSON.parse(a.data))).toEqual([
      expect.objectContaining({
        kind: 'release.end-of-support',
        severity: 'warning',
        release: 'PAN Manager@5.0',
        blades: ['b1', 'b2'],
      }),
    ]);

    // Days later a new blade on 5.0, and a restart: still one notice, one mail.
    await fleet(clock, [['b5', 'PAN Manager', '5.0.1']]);
    clock.set('2026-05-25T11:00:00Z');
    await n.settled();
    await n.stop();
    const again = start(clock).notices;
    await again.start();
    expect(await again.notices()).toHaveLength(1);
    expect(await mails()).toHaveLength(1);
    const view = (await again.releases())[0]!;
    expect([view.phase, view.blades.length, view.notice?.releaseKey]).toEqual([
      'notice-window',
      3,
      'PAN Manager@5.0',
    ]);
  });

  it('sends a late notice when the window was missed, and none once support has ended', async () => {
    store = await target.open();
    const clock = new ManualClock('2026-07-01T12:00:00Z');
    await fleet(clock, [['b1', 'PAN Manager', '5.0.3']]);
    const { notices: n } = start(clock);
    await n.start();
    expect((await n.notices()).map((x) => [x.releaseKey, x.late])).toEqual([
      ['PAN Manager@5.0', true],
    ]);
    const [mail] = await listDeliveries(store.db, { eventType: ['mail'] });
    expect(mail?.subject).toBe('End of support for PAN Manager 5.0 on 2026-09-16');
    await n.stop();

    const ended = await target.open();
    try {
      const later = new ManualClock('2026-09-16T12:00:00Z');
      const old = new ReleaseNotices({ db: ended.db, contract, clock: later });
      await old.start();
      expect(await old.notices()).toEqual([]);
      await old.stop();
    } finally {
      await ended.close();
    }
  });

  it('makes no notice for a release no blade runs', async () => {
    store = await target.open();
    const clock = new ManualClock('2026-05-20T12:00:00Z');
    await fleet(clock, [['b3', 'PAN Manager', '5.1.2']]);
    const { notices: n } = start(clock);
    await n.start();
    expect(await n.notices()).toEqual([]);
    expect(await mails()).toEqual([]);
  });
});
