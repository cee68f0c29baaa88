import { describe, expect, it } from 'vitest';
import {
  computeStock,
  shortfallsOf,
  type Dispatch,
  type RestockRecord,
} from '../../../collector/spares/spare-stock.js';
import { reportContract } from '../reports/support.js';

const dispatch = (at: string, siteId = 'nj1', spareSetId: string | null = null): Dispatch => ({
  ticketId: at,
  siteId,
  spareSetId,
  serial: null,
  at,
});

const restock = (at: string, quantity: number, part = 'blade'): RestockRecord => ({
  id: at,
  siteId: 'nj1',
  spareSetId: 'nj1-cage',
  part,
  quantity,
  at,
  by: 'eng-ana',
  note: '',
});

describe('spare stock, from the contract, dispatches and restocks', () => {
  const contract = reportContract();

  it('starts with the contract’s full sets', () => {
    const [nj1, ny2] = computeStock(contract, [], []);
    expect(nj1).toMatchObject({ fullSets: 1, belowOneSet: false, dispatches: 0 });
    expect(nj1!.sets[0]!.parts).toEqual([
      { part: 'blade', description: null, full: 2, onHand: 2, missing: 0 },
      { part: 'psu', description: null, full: 1, onHand: 1, missing: 0 },
    ]);
    expect(ny2).toMatchObject({ fullSets: 1, belowOneSet: false });
  });

  it('takes a blade per replacement; below one full set from the first, until restocked', () => {
    const dispatches = [dispatch('2026-03-04T09:00:00Z'), dispatch('2026-03-05T01:00:00Z')];
    const restocks = [restock('2026-03-06T15:00:00Z', 1), restock('2026-03-09T15:00:00Z', 1)];
    const at = (t: string) => computeStock(contract, dispatches, restocks, new Date(t))[0]!;
    expect(at('2026-03-04T08:59:00Z').belowOneSet).toBe(false);
    expect(at('2026-03-05T12:00:00Z')).toMatchObject({
      belowOneSet: true,
      belowSince: '2026-03-04T09:00:00Z',
      dispatches: 2,
    });
    expect(at('2026-03-07T00:00:00Z')).toMatchObject({ belowOneSet: true, restocks: 1 });
    expect(at('2026-03-10T00:00:00Z')).toMatchObject({ belowOneSet: false, belowSince: null });
    expect(
      shortfallsOf(computeStock(contract, dispatches, [], new Date('2026-03-06T00:00Z'))),
    ).toEqual([
      {
        siteId: 'nj1',
        siteName: 'Weehawken primary',
        belowSince: '2026-03-04T09:00:00Z',
        missing: [{ spareSetId: 'nj1-cage', part: 'blade', description: null, missing: 2 }],
        reason: 'no full spare set: 2 × blade (nj1-cage)',
      },
    ]);
  });

  it('records a dispatch with nothing left as unallocated, and never goes below zero', () => {
    const [, ny2] = computeStock(
      contract,
      [
        dispatch('2026-03-01T00:00:00Z', 'ny2'),
        dispatch('2026-03-02T00:00:00Z', 'ny2', 'ny2-depot'),
      ],
      [],
    );
    expect(ny2!.sets[0]!.parts[0]).toMatchObject({ onHand: 0, missing: 1 });
    expect(ny2!.unallocated.map((d) => d.at)).toEqual(['2026-03-02T00:00:00Z']);
  });

  it('treats a site with no spare set on record as short', () => {
    const bare = reportContract((c) => {
      c.sites![1]!.spareSets = [];
    });
    expect(shortfallsOf(computeStock(bare, [], []))).toEqual([
      {
        siteId: 'ny2',
        siteName: 'Lower Manhattan secondary',
        belowSince: null,
        missing: [],
        reason: 'no spare set is on record for the site',
      },
    ]);
  });
});
