import { describe, expect, it } from 'vitest';
import { buildTopic, collectorSubscription, parseTopic } from '../../shared/topics.js';

describe('topics', () => {
  it('builds and parses the topic layout', () => {
    const topic = buildTopic({ site: 'nyc1', frame: 'bf01', blade: 'blade-07' }, 'event');
    expect(topic).toBe('bladeframe/v1/nyc1/bf01/blade-07/event');
    expect(parseTopic(topic)).toEqual({
      site: 'nyc1',
      frame: 'bf01',
      blade: 'blade-07',
      kind: 'event',
    });
  });

  it('refuses wildcards and separators in names', () => {
    expect(() => buildTopic({ site: 'ny+c', frame: 'f', blade: 'b' }, 'event')).toThrow(/site/);
    expect(() => buildTopic({ site: 's', frame: 'f/1', blade: 'b' }, 'event')).toThrow(/frame/);
  });

  it('explains what is wrong with a foreign topic', () => {
    expect(parseTopic('other/v1/a/b/c/event')).toHaveProperty('error');
    expect(parseTopic('bladeframe/v1/a/b/c/unknown')).toEqual({
      error: 'topic kind "unknown" is not one of birth, state, health, event',
    });
    expect(parseTopic('bladeframe/v1/a/b/event')).toHaveProperty('error');
  });

  it('uses a shared subscription only when asked', () => {
    expect(collectorSubscription(true)).toBe('$share/collectors/bladeframe/v1/+/+/+/#');
    expect(collectorSubscription(false)).toBe('bladeframe/v1/+/+/+/#');
  });
});
