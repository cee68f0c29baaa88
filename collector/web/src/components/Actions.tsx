import { useEffect, useRef, useState } from 'preact/hooks';
import { ALLOWED_FROM, PERMISSIONS_FOR, type Action } from '../../../tickets/transitions.js';
import { api, ApiError } from '../lib/api.js';
import { SEVERITY_LABELS, STATE_LABELS } from '../lib/clocks.js';
import { refreshTicket } from '../lib/dashboard.js';
import type { Me, Severity, TicketDetail } from '../lib/types.js';
import { ErrorBox } from './bits.js';

type TicketAction = Exclude<Action, 'open-call'>;
type Values = Record<string, string>;

interface Field {
  name: string;
  label: string;
  kind: 'text' | 'textarea' | 'choice' | 'select' | 'datetime';
  required?: boolean;
  options?: { value: string; label: string }[];
  /** Shown only when this returns true for the current values. */
  when?: (values: Values) => boolean;
  hint?: string;
}

interface Spec {
  action: TicketAction;
  label: string;
  /** A different label for some roles (an engineer records the customer's consent). */
  labelFor?(me: Me): string;
  submit: string;
  path: string;
  fields(detail: TicketDetail, me: Me): Field[];
  initial?(detail: TicketDetail, me: Me): Values;
  body(values: Values): unknown;
  /** Beyond the state: e.g. a replacement blade is for a hardware diagnosis only. */
  offered?(detail: TicketDetail): boolean;
  done: string;
}

const note: Field = { name: 'note', label: 'Note (optional)', kind: 'textarea' };
const optional = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

/** Now as a datetime-local value, to the second (a call opened a moment ago can close now). */
function localNow(): string {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}

/** Every action of the API's lifecycle, in the order work proceeds. */
const SPECS: Spec[] = [
  {
    action: 'respond',
    label: 'Respond',
    submit: 'Record response',
    path: 'respond',
    fields: () => [note],
    body: (v) => ({ note: optional(v.note) }),
    done: 'Response recorded.',
  },
  {
    action: 'arrive-on-site',
    label: 'Arrive on site',
    submit: 'Record arrival',
    path: 'arrive',
    fields: () => [note],
    body: (v) => ({ note: optional(v.note) }),
    done: 'Arrival on site recorded.',
  },
  {
    action: 'diagnose',
    label: 'Diagnose',
    submit: 'Record diagnosis',
    path: 'diagnose',
    fields: () => [
      {
        name: 'domain',
        label: 'The fault is',
        kind: 'choice',
        required: true,
        options: [
          { value: 'hardware', label: 'Hardware' },
          { value: 'software', label: 'Software' },
        ],
      },
      {
        name: 'softwareClass',
        label: 'Software error class',
        kind: 'choice',
        required: true,
        when: (v) => v.domain === 'software',
        options: [
          { value: 'oem-error', label: 'OEM Error (not reproducible on certified hardware)' },
          { value: 'reproducible-error', label: 'Reproducible Error' },
        ],
      },
      note,
    ],
    initial: (d) => ({ domain: d.ticket.domain === 'software' ? 'software' : 'hardware' }),
    body: (v) => ({
      domain: v.domain,
      ...(v.domain === 'software' ? { softwareClass: v.softwareClass || undefined } : {}),
      note: optional(v.note),
    }),
    done: 'Diagnosis recorded.',
  },
  {
    action: 'dispatch-replacement',
    label: 'Dispatch replacement blade',
    submit: 'Record dispatch',
    path: 'dispatch',
    offered: (d) => d.ticket.domain === 'hardware',
    fields: () => [
      { name: 'spareSetId', label: 'Spare set (optional)', kind: 'text' },
      { name: 'serial', label: 'Replacement serial (optional)', kind: 'text' },
      note,
    ],
    body: (v) => ({
      spareSetId: optional(v.spareSetId),
      serial: optional(v.serial),
      note: optional(v.note),
    }),
    done: 'Replacement dispatch recorded.',
  },
  {
    action: 'send-update',
    label: 'Send update',
    submit: 'Send update',
    path: 'updates',
    fields: () => [
      { name: 'note', label: 'Update to the customer', kind: 'textarea', required: true },
    ],
    body: (v) => ({ note: v.note?.trim() ?? '' }),
    done: 'Update sent.',
  },
  {
    action: 'mark-fixed',
    label: 'Mark fixed',
    submit: 'Mark fixed',
    path: 'fix',
    fields: () => [{ name: 'resolution', label: 'Resolution', kind: 'textarea', required: true }],
    body: (v) => ({ resolution: v.resolution?.trim() ?? '' }),
    done: 'Marked fixed; the customer’s written consent closes it.',
  },
  {
    action: 'raise-severity',
    label: 'Raise severity',
    submit: 'Raise severity',
    path: 'severity',
    fields: (d) => [
      {
        name: 'to',
        label: 'New severity',
        kind: 'select',
        required: true,
        options: ([1, 2, 3, 4, 5] as Severity[])
          .filter((s) => s < d.ticket.severity)
          .map((s) => ({ value: String(s), label: `S${s} — ${SEVERITY_LABELS[s]}` })),
      },
      { name: 'reason', label: 'Reason', kind: 'textarea', required: true },
    ],
    offered: (d) => d.ticket.severity > 1,
    initial: (d) => ({ to: String(d.ticket.severity - 1) }),
    body: (v) => ({ to: Number(v.to), reason: v.reason?.trim() ?? '' }),
    done: 'Severity raised; the new severity’s clocks apply.',
  },
  {
    action: 'close',
    label: 'Give written consent and close',
    labelFor: (me) =>
      me.role === 'customer'
        ? 'Give written consent and close'
        : 'Record the customer’s consent and close',
    submit: 'Close with consent',
    path: 'close',
    fields: () => [
      { name: 'by', label: 'Consent given by', kind: 'text', required: true },
      { name: 'at', label: 'Consent given at', kind: 'datetime', required: true },
      {
        name: 'text',
        label: 'Written consent',
        kind: 'textarea',
        required: true,
        hint: 'The customer’s words, e.g. “Confirmed fixed, please close.”',
      },
    ],
    // The consent is the customer's: prefilled with their name when they give it themselves.
    initial: (_d, me) => ({ by: me.role === 'customer' ? me.name : '', at: localNow() }),
    body: (v) => ({
      consent: {
        by: v.by?.trim() ?? '',
        at: v.at ? new Date(v.at).toISOString() : '',
        text: v.text?.trim() ?? '',
      },
    }),
    done: 'Closed with the customer’s written consent.',
  },
  {
    action: 'add-note',
    label: 'Add note',
    submit: 'Add note',
    path: 'notes',
    fields: () => [{ name: 'text', label: 'Note', kind: 'textarea', required: true }],
    body: (v) => ({ text: v.text?.trim() ?? '' }),
    done: 'Note added.',
  },
];

/** The actions this person may take on this ticket now: by their role's permissions and its state. */
export function availableActions(detail: TicketDetail, me: Me): Spec[] {
  return SPECS.filter(
    (spec) =>
      (me.actions
        ? me.actions.includes(spec.action)
        : PERMISSIONS_FOR[spec.action].some((p) => me.permissions.includes(p))) &&
      ALLOWED_FROM[spec.action].includes(detail.ticket.state) &&
      (spec.offered?.(detail) ?? true),
  );
}

export function ActionsPanel({ detail, me }: { detail: TicketDetail; me: Me }) {
  const [open, setOpen] = useState<TicketAction | null>(null);
  const [status, setStatus] = useState('');
  const actions = availableActions(detail, me);
  const current = actions.find((a) => a.action === open) ?? null;

  useEffect(() => {
    setOpen(null);
    setStatus('');
  }, [detail.ticket.id]);

  return (
    <section class="detail-section actions" aria-labelledby="actions-heading">
      <h3 id="actions-heading">Actions</h3>
      {detail.ticket.state === 'closed' && (
        <p class="muted">
          This ticket is closed{actions.length > 0 ? '; notes may still be added.' : '.'}
        </p>
      )}
      {actions.length === 0 ? (
        detail.ticket.state !== 'closed' && (
          <p class="muted">
            No action for the {me.role} role on a ticket in state “
            {STATE_LABELS[detail.ticket.state]}”.
          </p>
        )
      ) : (
        <div class="action-buttons" role="group" aria-label="Ticket actions">
          {actions.map((a) => (
            <button
              key={a.action}
              type="button"
              class={a.action === open ? 'pressed' : ''}
              aria-expanded={a.action === open}
              aria-controls="action-form"
              onClick={() => {
                setStatus('');
                setOpen(a.action === open ? null : a.action);
              }}
            >
              {a.labelFor?.(me) ?? a.label}
            </button>
          ))}
        </div>
      )}
      <p class="action-status" role="status" aria-live="polite">
        {status}
      </p>
      {current && (
        <ActionForm
          key={`${detail.ticket.id}:${current.action}`}
          spec={current}
          detail={detail}
          me={me}
          onCancel={() => setOpen(null)}
          onDone={(message) => {
            setOpen(null);
            setStatus(message);
          }}
        />
      )}
    </section>
  );
}

function ActionForm({
  spec,
  detail,
  me,
  onCancel,
  onDone,
}: {
  spec: Spec;
  detail: TicketDetail;
  me: Me;
  onCancel(): void;
  onDone(message: string): void;
}) {
  const [values, setValues] = useState<Values>(() => spec.initial?.(detail, me) ?? {});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const fields = spec.fields(detail, me).filter((f) => f.when?.(values) ?? true);

  useEffect(() => {
    formRef.current
      ?.querySelector<HTMLElement>('input:not([type=hidden]), textarea, select')
      ?.focus();
  }, []);

  const submit = async (event?: Event) => {
    event?.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await api(`/api/tickets/${encodeURIComponent(detail.ticket.id)}/${spec.path}`, {
        method: 'POST',
        body: spec.body(values),
      });
      await refreshTicket(detail.ticket.id);
      onDone(spec.done);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'ERROR', (e as Error).message));
    } finally {
      setBusy(false);
    }
  };

  const set = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));
  const errorId = `action-error-${spec.action}`;
  return (
    <form
      id="action-form"
      ref={formRef}
      class="action-form"
      aria-label={spec.labelFor?.(me) ?? spec.label}
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onCancel();
        } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          void submit(e);
        }
      }}
    >
      {fields.map((field) => (
        <FieldInput
          key={field.name}
          field={field}
          value={values[field.name] ?? ''}
          onInput={(v) => set(field.name, v)}
          describedBy={error ? errorId : undefined}
        />
      ))}
      <ErrorBox error={error} id={errorId} />
      <div class="form-buttons">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : spec.submit}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <span class="muted small">Ctrl+Enter submits · Esc cancels</span>
      </div>
    </form>
  );
}

function FieldInput({
  field,
  value,
  onInput,
  describedBy,
}: {
  field: Field;
  value: string;
  onInput(value: string): void;
  describedBy: string | undefined;
}) {
  const id = `field-${field.name}`;
  if (field.kind === 'choice') {
    return (
      <fieldset class="field choice">
        <legend>{field.label}</legend>
        {field.options!.map((o) => (
          <label key={o.value}>
            <input
              type="radio"
              name={field.name}
              value={o.value}
              checked={value === o.value}
              required={field.required}
              onChange={() => onInput(o.value)}
            />
            {o.label}
          </label>
        ))}
      </fieldset>
    );
  }
  return (
    <div class="field">
      <label for={id}>{field.label}</label>
      {field.kind === 'textarea' ? (
        <textarea
          id={id}
          rows={2}
          value={value}
          required={field.required}
          aria-describedby={describedBy}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      ) : field.kind === 'select' ? (
        <select
          id={id}
          value={value}
          required={field.required}
          onChange={(e) => onInput(e.currentTarget.value)}
        >
          {field.options!.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : field.kind === 'datetime' ? (
        <input
          id={id}
          type="datetime-local"
          step={1}
          value={value}
          required={field.required}
          aria-describedby={describedBy}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      ) : (
        <input
          id={id}
          type="text"
          value={value}
          required={field.required}
          aria-describedby={describedBy}
          onInput={(e) => onInput(e.currentTarget.value)}
        />
      )}
      {field.hint && <span class="hint">{field.hint}</span>}
    </div>
  );
}
