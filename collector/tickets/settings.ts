/**
 * How the collector runs its tickets (configuration `tickets`, not the contract: these are how we
 * serve, not what we promised). Durations in milliseconds, as the configuration parses them.
 */
export interface TicketSettings {
  storm: {
    /** Faults of this many distinct blades of one frame ... */
    minBlades: number;
    /** ... detected within this window become children of one parent ticket for the frame. */
    window: number;
  };
}

export type TicketSettingsInput = { storm?: Partial<TicketSettings['storm']> };

export const DEFAULT_TICKET_SETTINGS: TicketSettings = {
  storm: { minBlades: 4, window: 5 * 60_000 },
};

export function ticketSettings(input: TicketSettingsInput = {}): TicketSettings {
  return { storm: { ...DEFAULT_TICKET_SETTINGS.storm, ...input.storm } };
}
