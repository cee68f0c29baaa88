import { z } from 'zod';
import { envelopeSchema } from './envelope.js';

/**
 * Retained availability. `will` is the broker's last will (the agent vanished), `shutdown` a
 * clean stop, `connect` the agent coming online. The will's seq is reserved at connect time.
 */
export const stateMessageSchema = envelopeSchema.extend({
  state: z.enum(['online', 'offline']),
  cause: z.enum(['connect', 'will', 'shutdown']),
});
export type StateMessage = z.infer<typeof stateMessageSchema>;
