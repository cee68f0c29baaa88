import { z } from 'zod';
import { SEGMENT_PATTERN } from '../topics.js';

/** Protocol version of every message; bumped only with a new topic root. */
export const PROTOCOL_VERSION = 1;

export const segment = z.string().regex(SEGMENT_PATTERN, 'must be 1-64 of A-Z a-z 0-9 . _ -');

/** Fields every message carries: who sent it, which boot, its place in that boot's sequence. */
export const envelopeSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  bladeId: segment.describe('Blade identity; equals the <blade> topic segment'),
  bootId: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 -')
    .describe('Agent boot identity (the kernel boot_id); a new boot restarts seq'),
  seq: z
    .int()
    .nonnegative()
    .describe('Monotonic per (bladeId, bootId); with them, the message identity'),
  observedAt: z.iso.datetime({ offset: true }).describe('When the agent observed it (ISO 8601)'),
});

export type Envelope = z.infer<typeof envelopeSchema>;
