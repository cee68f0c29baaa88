import { describe, expect, it } from 'vitest';
import { validateMessage } from '../../shared/messages/index.js';

const envelope = {
  v: 1,
  bladeId: 'blade-07',
  bootId: '3f1c2b9e-8d7a-4c55-9a0e-1b2c3d4e5f60',
  seq: 12,
  observedAt: '2026-03-02T14:05:00.000Z',
};

describe('message schemas', () => {
  it('accepts a well-formed event', () => {
    const result = validateMessage('event', {
      ...envelope,
      signal: 'memory.ecc.uncorrectable',
      status: 'active',
      component: { kind: 'dimm', id: 'mc0/csrow1/ch0', location: 'CPU0_DIMM_A1' },
      evidence: { ue_count: 1, previous: 0 },
      summary: 'Uncorrectable ECC error on CPU0_DIMM_A1',
    });
    expect(result.ok).toBe(true);
  });

  it('names every problem of a bad payload', () => {
    const result = validateMessage('event', { ...envelope, seq: -1, signal: 'nope' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain('seq:');
      expect(result.reason).toContain('signal:');
      expect(result.reason).toContain('component:');
    }
  });

  it('rejects a state without its cause', () => {
    expect(validateMessage('state', { ...envelope, state: 'offline' }).ok).toBe(false);
    expect(validateMessage('state', { ...envelope, state: 'offline', cause: 'will' }).ok).toBe(
      true,
    );
  });

  it('never throws on garbage', () => {
    for (const junk of [null, 42, 'text', [], { v: 2 }]) {
      expect(validateMessage('health', junk).ok).toBe(false);
    }
  });
});
