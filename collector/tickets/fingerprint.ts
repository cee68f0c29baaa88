import type { Component } from '../../shared/messages/event.js';

/**
 * What makes two observations the same fault: the place (site, frame, blade), the signal and the
 * component. One open ticket per fingerprint; repeats are occurrences on it.
 */
export function faultFingerprint(input: {
  siteId: string;
  frameId: string | null;
  bladeId: string | null;
  signal: string;
  component: Pick<Component, 'kind' | 'id'>;
}): string {
  const place = [input.siteId, input.frameId ?? '-', input.bladeId ?? '-'].join('/');
  return `${place}|${input.signal}|${input.component.kind}:${input.component.id}`;
}

/** The fingerprint a frame's storm parent holds while open: one storm ticket per frame. */
export function stormFingerprint(siteId: string, frameId: string): string {
  return `${siteId}/${frameId}|frame.storm`;
}
