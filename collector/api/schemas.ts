import { z } from 'zod';
import { parseTicketId } from '../tickets/ticket-store.js';

/** Request shapes shared by several routes; each route's own live beside it. */

export const MAX_TEXT = 4000;

/** Free text a person writes: trimmed, not empty, bounded. */
export const text = (max = MAX_TEXT) => z.string().trim().min(1, 'must not be empty').max(max);

/** A note that may be left out. */
export const optionalNote = z.string().trim().max(MAX_TEXT).optional();

export const ticketIdParams = z.object({
  id: z
    .string()
    .refine((v) => parseTicketId(v) !== null, 'must be a ticket id (a positive whole number)')
    .describe('Ticket id'),
});

/** Ids of sites, frames and blades as topics carry them. */
export const nameId = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 . _ -');

export const errorBody = z.object({
  code: z.string().describe('A code of the error catalogue (docs/ERRORS.md)'),
  message: z.string(),
  details: z.array(z.string()).describe('One `path: message` line per problem'),
});
