import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BladeframeError } from '../../../shared/errors.js';
import type { TicketView } from '../../domain/fold.js';
import type { TicketService } from '../../tickets/ticket-service.js';
import { PERMISSIONS_FOR, type Action, type UserActor } from '../../tickets/transitions.js';
import type { RouteDoc } from '../access.js';
import { parseRequest } from '../errors.js';
import { actorOf } from '../principal.js';
import { MAX_TEXT, nameId, optionalNote, text, ticketIdParams } from '../schemas.js';

const severity = z.int().min(1).max(5);

export const openCallBody = z.strictObject({
  siteId: nameId.describe('A site of the contract'),
  frameId: nameId.nullish(),
  bladeId: nameId.nullish(),
  severity: severity.describe('1 total failure ... 4 minor error; 5 a feature request'),
  summary: text(),
  contact: z.string().trim().max(200).nullish().describe('Who to call back (default: the caller)'),
  environment: z.enum(['production', 'qa']).optional(),
});

const noteBody = z.strictObject({ note: optionalNote });

export const diagnoseBody = z.strictObject({
  domain: z.enum(['hardware', 'software']),
  softwareClass: z
    .enum(['oem-error', 'reproducible-error'])
    .nullish()
    .describe('Software only: OEM Error or Reproducible Error (the OS vendor terms)'),
  note: optionalNote,
});

const dispatchBody = z.strictObject({
  spareSetId: z.string().trim().min(1).max(200).nullish().describe("A spare set of the site's"),
  serial: z.string().trim().min(1).max(200).nullish().describe('Serial of the replacement blade'),
  note: optionalNote,
});

const updateBody = z.strictObject({ note: text() });
const addNoteBody = z.strictObject({ text: text() });
const fixBody = z.strictObject({ resolution: text() });

/**
 * The consent's fields are checked by the ticket service, which refuses a close without them
 * with BF_CONSENT_REQUIRED naming each missing part; here only their types.
 */
export const closeBody = z.strictObject({
  consent: z
    .strictObject({
      by: z.string().max(200).optional().describe('Who at the customer consented'),
      at: z.string().max(64).optional().describe('When (ISO 8601)'),
      text: z.string().max(MAX_TEXT).optional().describe('The text of the written consent'),
    })
    .nullish(),
});

const severityBody = z.strictObject({
  to: severity.describe('The new, more severe level (a smaller number)'),
  reason: text(),
});

const ticketDetail = z.object({
  ticket: z.object({ id: z.string(), state: z.string(), severity: z.int() }).loose(),
  clocks: z.array(z.object({}).loose()),
  escalations: z.array(z.object({}).loose()),
  events: z.array(z.object({}).loose()),
  classification: z.object({}).loose(),
});

interface ActionSpec<B extends z.ZodType> {
  path: string;
  /** The service's action: who may take it is the service's table (PERMISSIONS_FOR). */
  action: Exclude<Action, 'open-call'>;
  summary: string;
  description?: string;
  body: B;
  errors: string[];
  run(tickets: TicketService, id: string, actor: UserActor, body: z.output<B>): Promise<TicketView>;
}

function spec<B extends z.ZodType>(s: ActionSpec<B>): ActionSpec<z.ZodType> {
  return s as unknown as ActionSpec<z.ZodType>;
}

const TRANSITION = ['BF_TICKET_TRANSITION', 'BF_TICKET_CLOSED'];

/** Every lifecycle action, one endpoint each. The service records the actor on the event. */
export const ACTION_ROUTES: ActionSpec<z.ZodType>[] = [
  spec({
    path: 'respond',
    action: 'respond',
    summary: 'An engineer responds (engaged on the call)',
    body: noteBody,
    errors: TRANSITION,
    run: (t, id, actor, body) => t.respond(id, actor, body),
  }),
  spec({
    path: 'arrive',
    action: 'arrive-on-site',
    summary: 'An engineer arrives on site',
    body: noteBody,
    errors: TRANSITION,
    run: (t, id, actor, body) => t.arriveOnSite(id, actor, body),
  }),
  spec({
    path: 'diagnose',
    action: 'diagnose',
    summary: 'Diagnose hardware or software (software: OEM Error or Reproducible Error)',
    body: diagnoseBody,
    errors: [...TRANSITION, 'BF_DIAGNOSIS_INVALID'],
    run: (t, id, actor, body) => t.diagnose(id, actor, body),
  }),
  spec({
    path: 'dispatch',
    action: 'dispatch-replacement',
    summary: 'Dispatch a replacement blade (a hardware diagnosis only)',
    body: dispatchBody,
    errors: [...TRANSITION, 'BF_REPLACEMENT_SOFTWARE'],
    run: (t, id, actor, body) => t.dispatchReplacement(id, actor, body),
  }),
  spec({
    path: 'updates',
    action: 'send-update',
    summary: 'Record a progress update sent to the customer (software calls)',
    body: updateBody,
    errors: TRANSITION,
    run: (t, id, actor, body) => t.sendUpdate(id, actor, body),
  }),
  spec({
    path: 'notes',
    action: 'add-note',
    summary: 'Add a note to the ticket (also on a closed one)',
    description: 'Engineers and the customer may add notes.',
    body: addNoteBody,
    errors: TRANSITION,
    run: (t, id, actor, body) => t.addNote(id, actor, body),
  }),
  spec({
    path: 'fix',
    action: 'mark-fixed',
    summary: 'Mark the problem fixed, with its resolution',
    body: fixBody,
    errors: TRANSITION,
    run: (t, id, actor, body) => t.markFixed(id, actor, body),
  }),
  spec({
    path: 'close',
    action: 'close',
    summary: "Close a fixed call with the customer's written consent",
    description:
      "Refused without the consent (who, when, text). An engineer may record the customer's consent on their behalf.",
    body: closeBody,
    errors: [...TRANSITION, 'BF_CONSENT_REQUIRED'],
    run: (t, id, actor, body) => t.close(id, actor, body),
  }),
  spec({
    path: 'severity',
    action: 'raise-severity',
    summary: 'Raise the severity (as reasonably determined by the customer)',
    body: severityBody,
    errors: [...TRANSITION, 'BF_SEVERITY_NOT_RAISED'],
    run: (t, id, actor, body) => t.raiseSeverity(id, actor, body),
  }),
];

function bodyOf(request: FastifyRequest): unknown {
  // An action without fields may be posted without a body.
  return request.body === undefined || request.body === null ? {} : request.body;
}

/**
 * The ticket actions of API.md. The route guard checks the caller's role first (403); then the
 * body and id are validated (400) before anything is read; the service refuses illegal
 * transitions with coded 409/422 errors inside its transaction, so a refused request changes
 * nothing. A success answers with the ticket's detail as it now stands.
 */
const ticketActionRoutes: FastifyPluginAsync<{ tickets: TicketService }> = async (
  app,
  { tickets },
) => {
  const detail = async (id: string) => {
    const found = await tickets.detail(id);
    if (!found) throw new BladeframeError('BF_NOT_FOUND', `ticket ${id}`);
    return found;
  };

  app.post(
    '/api/tickets',
    {
      config: {
        access: PERMISSIONS_FOR['open-call'],
        doc: {
          summary: 'Place a call by hand (severity 5: a feature request)',
          description:
            "The customer's report starts the clocks. Engineers may also place a call taken on the telephone.",
          tags: ['tickets'],
          body: openCallBody,
          status: 201,
          response: ticketDetail,
        } satisfies RouteDoc,
      },
    },
    async (request, reply) => {
      const body = parseRequest(openCallBody, bodyOf(request), 'body');
      const view = await tickets.openByCustomer(actorOf(request), {
        siteId: body.siteId,
        frameId: body.frameId ?? null,
        bladeId: body.bladeId ?? null,
        severity: body.severity,
        summary: body.summary,
        contact: body.contact ?? null,
        ...(body.environment ? { environment: body.environment } : {}),
      });
      return reply.status(201).send(await detail(view.id));
    },
  );

  for (const action of ACTION_ROUTES) {
    app.post(
      `/api/tickets/:id/${action.path}`,
      {
        config: {
          access: PERMISSIONS_FOR[action.action],
          doc: {
            summary: action.summary,
            ...(action.description ? { description: action.description } : {}),
            tags: ['tickets'],
            params: ticketIdParams,
            body: action.body,
            response: ticketDetail,
            errors: action.errors,
          },
        },
      },
      async (request) => {
        const { id } = parseRequest(ticketIdParams, request.params, 'params');
        const body = parseRequest(action.body, bodyOf(request), 'body');
        const view = await action.run(tickets, id, actorOf(request), body);
        return detail(view.id);
      },
    );
  }
};

export default ticketActionRoutes;
