import type { ContractInput } from '../../../shared/config/contract.js';
import type { Environment } from '../../../shared/messages/birth.js';
import type {
  AnyTicketEvent,
  Domain,
  Severity,
  TicketEventData,
  TicketEventType,
} from '../../../collector/domain/ticket-events.js';
import { BusinessCalendar } from '../../../collector/sla/calendar.js';
import type { ClockContext } from '../../../collector/sla/clocks.js';
import { parseContract } from '../../../collector/sla/load-contract.js';

/** A contract with round figures, independent of the example file, so tests read plainly. */
export function contractInput(): ContractInput {
  return {
    program: 'enterprise-ii',
    startsOn: '2026-01-01',
    businessHours: {
      extraClosures: [
        { date: '2025-01-09', name: 'National Day of Mourning for President Jimmy Carter' },
      ],
    },
    severities: {
      1: { onsiteResponse: { businessHours: '2h', outsideBusinessHours: '4h' }, diagnosis: '2h' },
      2: { onsiteResponse: { businessHours: '4h', outsideBusinessHours: '8h' }, diagnosis: '4h' },
      3: { response: '4h', calendar: 'business' },
      4: { response: '12h', calendar: 'business' },
      5: { response: '36h', calendar: 'business' },
    },
    softwareUpdates: { after: '24h', every: '4h' },
    escalation: {
      1: {
        'customer-engineer': '1h',
        'technical-service-management': '2h',
        'enterprise-services-engineering': '4h',
        vp: '8h',
        'ceo-coo': '24h',
      },
      2: {
        'customer-engineer': '2h',
        'technical-service-management': '4h',
        'enterprise-services-engineering': '8h',
        vp: '24h',
        'ceo-coo': '48h',
      },
      3: {
        'customer-engineer': '8h',
        'technical-service-management': '24h',
        'enterprise-services-engineering': '48h',
      },
      4: {
        'customer-engineer': '24h',
        'technical-service-management': '60h',
        'enterprise-services-engineering': '120h',
      },
      5: {
        'customer-engineer': '60h',
        'technical-service-management': '120h',
        'enterprise-services-engineering': '240h',
      },
    },
    slr: { thresholdPercent: 95 },
    sites: [
      {
        id: 'nj1',
        name: 'Weehawken',
        address: {
          street: '300 Harbor Blvd',
          city: 'Weehawken',
          region: 'NJ',
          postalCode: '07086',
        },
        contacts: [{ name: 'Ops desk', email: 'ops@example.com' }],
      },
    ],
  };
}

export function testContract(change: (input: ContractInput) => void = () => {}) {
  const input = contractInput();
  change(input);
  return parseContract(input);
}

export function context(now: string, contract = testContract()): ClockContext {
  return { contract, calendar: new BusinessCalendar(contract.businessHours), now: new Date(now) };
}

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** Builds a ticket's event log one event at a time. */
export class TicketLog {
  readonly events: AnyTicketEvent[] = [];

  constructor(options: {
    severity: Severity;
    detectedAt: string;
    environment?: Environment;
    domain?: Domain;
    test?: boolean;
  }) {
    const at = new Date(options.detectedAt).toISOString();
    this.events.push({
      ticketId: 't-1',
      seq: 1,
      at,
      actor: { kind: 'system', id: 'ingest' },
      type: 'opened',
      data: {
        source: 'call-home',
        signal: 'memory.ecc.uncorrectable',
        component: { kind: 'dimm', id: 'mc0/csrow0', location: 'CPU0_DIMM_A1' },
        evidence: {},
        summary: 'uncorrectable memory error',
        siteId: 'nj1',
        frameId: 'f1',
        bladeId: 'b1',
        environment: options.environment ?? 'production',
        detectedAt: at,
        observedAt: at,
        receivedAt: at,
        classification: {
          ruleId: 'test',
          domain: options.domain ?? 'hardware',
          severity: options.severity,
          replaceable: 'FRU',
          explanation: 'test',
        },
        test: options.test ?? false,
        parentId: null,
        contact: null,
      },
    } as AnyTicketEvent);
  }

  add<T extends TicketEventType>(type: T, at: string, data: TicketEventData[T]): this {
    this.events.push({
      ticketId: 't-1',
      seq: this.events.length + 1,
      at: new Date(at).toISOString(),
      actor: { kind: 'user', id: 'eng', role: 'engineer' },
      type,
      data,
    } as AnyTicketEvent);
    return this;
  }

  responded(at: string): this {
    return this.add('responded', at, { note: 'on it' });
  }
  arrived(at: string): this {
    return this.add('arrived-on-site', at, { note: 'on site' });
  }
  diagnosed(at: string, domain: 'hardware' | 'software'): this {
    return this.add('diagnosed', at, { domain, softwareClass: null, note: 'found it' });
  }
  replaced(at: string): this {
    return this.add('replacement-dispatched', at, { spareSetId: null, serial: 'SN1', note: '' });
  }
  update(at: string): this {
    return this.add('update-sent', at, { note: 'progress' });
  }
  raised(at: string, from: Severity, to: Severity): this {
    return this.add('severity-raised', at, { from, to, reason: 'customer' });
  }
  fixed(at: string): this {
    return this.add('fixed', at, { resolution: 'replaced' });
  }
  closed(at: string): this {
    return this.add('closed', at, { consent: { by: 'customer', at, text: 'ok' } });
  }
}
