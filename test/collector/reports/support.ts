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
import { parseContract } from '../../../collector/sla/load-contract.js';
import type { SlrContext } from '../../../collector/reports/slr.js';
import { contractInput } from '../sla/fixtures.js';

/**
 * The reports' test contract: the clocks' round figures (severity 1 on site 2h in business hours
 * / 4h outside, severity 2 4h / 8h, severity 3 4h business, 4 12h, 5 36h, software response 1h),
 * two sites, Enterprise I from 1 January 2026, an SLR threshold of 75 %.
 */
export function reportContractInput(): ContractInput {
  const input = contractInput();
  input.program = 'enterprise-i';
  input.slr = { thresholdPercent: 75 };
  input.customer = { name: 'Example Securities LLC' };
  input.provider = { name: 'Egenera, Inc.' };
  input.sites = [
    {
      id: 'nj1',
      name: 'Weehawken primary',
      address: { street: '300 Harbor Blvd', city: 'Weehawken', region: 'NJ', postalCode: '07086' },
      contacts: [{ name: 'Priya Raman', email: 'priya@example.com' }],
      spareSets: [
        {
          id: 'nj1-cage',
          name: 'Spares cage',
          location: 'on premises',
          parts: [
            { part: 'blade', quantity: 2 },
            { part: 'psu', quantity: 1 },
          ],
        },
      ],
    },
    {
      id: 'ny2',
      name: 'Lower Manhattan secondary',
      address: { street: '375 Pearl St', city: 'New York', region: 'NY', postalCode: '10038' },
      contacts: [{ name: 'Tomás Ferreira', phone: '+1 212 555 0163' }],
      spareSets: [{ id: 'ny2-depot', location: 'nearby', parts: [{ part: 'blade', quantity: 1 }] }],
    },
  ];
  return input;
}

export function reportContract(change: (input: ContractInput) => void = () => {}) {
  const input = reportContractInput();
  change(input);
  return parseContract(input);
}

export function slrContext(asOf: string, contract = reportContract()): SlrContext {
  return { contract, calendar: new BusinessCalendar(contract.businessHours), asOf: new Date(asOf) };
}

export interface CallOptions {
  id: string;
  severity: Severity;
  detectedAt: string;
  site?: string;
  environment?: Environment;
  domain?: Domain;
  test?: boolean;
  summary?: string;
  contact?: string | null;
  parentId?: string | null;
  /** A call placed by the customer (feature requests are). */
  source?: 'call-home' | 'customer';
  signal?: string;
}

/** A ticket's event log, written the way the ticket service writes it. */
export class Call {
  readonly events: AnyTicketEvent[] = [];

  constructor(readonly options: CallOptions) {
    const at = new Date(options.detectedAt).toISOString();
    this.events.push({
      ticketId: options.id,
      seq: 1,
      at,
      actor: { kind: 'system', id: 'collector' },
      type: 'opened',
      data: {
        source: options.source ?? 'call-home',
        signal: options.signal ?? (options.test ? 'test.call' : 'memory.ecc.uncorrectable'),
        component: { kind: 'dimm', id: 'mc0/csrow0', location: 'CPU0_DIMM_A1' },
        evidence: {},
        summary: options.summary ?? 'Uncorrectable ECC error on CPU0_DIMM_A1',
        siteId: options.site ?? 'nj1',
        frameId: 'f1',
        bladeId: 'b01',
        environment: options.environment ?? 'production',
        detectedAt: at,
        observedAt: at,
        receivedAt: at,
        classification: {
          ruleId: 'memory-uncorrectable',
          domain: options.domain ?? 'hardware',
          severity: options.severity,
          replaceable: 'FRU',
          explanation: 'An uncorrectable memory error stops the blade',
        },
        test: options.test ?? false,
        parentId: options.parentId ?? null,
        contact: options.contact ?? null,
      },
    } as AnyTicketEvent);
  }

  add<T extends TicketEventType>(type: T, at: string, data: TicketEventData[T]): this {
    this.events.push({
      ticketId: this.options.id,
      seq: this.events.length + 1,
      at: new Date(at).toISOString(),
      actor: { kind: 'user', id: 'eng-ana', role: 'engineer' },
      type,
      data,
    } as AnyTicketEvent);
    return this;
  }

  responded(at: string): this {
    return this.add('responded', at, { note: 'engineer engaged' });
  }
  arrived(at: string): this {
    return this.add('arrived-on-site', at, { note: 'on site' });
  }
  diagnosed(at: string, domain: 'hardware' | 'software', note = 'found it'): this {
    return this.add('diagnosed', at, {
      domain,
      softwareClass: domain === 'software' ? 'reproducible-error' : null,
      note,
    });
  }
  replaced(at: string, spareSetId: string | null = null): this {
    return this.add('replacement-dispatched', at, { spareSetId, serial: 'SN-0042', note: '' });
  }
  update(at: string): this {
    return this.add('update-sent', at, { note: 'progress update to the customer' });
  }
  raised(at: string, from: Severity, to: Severity): this {
    return this.add('severity-raised', at, { from, to, reason: 'customer impact' });
  }
  note(at: string, text: string): this {
    return this.add('note', at, { text });
  }
  fixed(at: string, resolution = 'Replaced the DIMM'): this {
    return this.add('fixed', at, { resolution });
  }
  closed(at: string, by = 'Priya Raman'): this {
    return this.add('closed', at, { consent: { by, at, text: 'Confirmed fixed, close it.' } });
  }
}
