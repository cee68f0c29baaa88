import { z } from 'zod';
import { isDuration, parseDuration } from '../../shared/duration.js';

/**
 * Ticket settings of the collector configuration (not of the contract: these are how we run the
 * service, not what we promised). Durations are written `5m`, `1h`.
 */
const duration = z
  .string()
  .refine(isDuration, { message: 'must be a duration like 90s, 5m or 1h' })
  .transform(parseDuration);

export const ticketSettingsSchema = z.strictObject({
  storm: z
    .strictObject({
      /** Faults of this many distinct blades of one frame ... */
      minBlades: z.int().min(2).default(4),
      /** ... detected within this window become children of one parent ticket for the frame. */
      window: duration.default(5 * 60_000),
    })
    .default({ minBlades: 4, window: 5 * 60_000 }),
});

export type TicketSettings = z.output<typeof ticketSettingsSchema>;
export type TicketSettingsInput = z.input<typeof ticketSettingsSchema>;

export const DEFAULT_TICKET_SETTINGS: TicketSettings = ticketSettingsSchema.parse({});
