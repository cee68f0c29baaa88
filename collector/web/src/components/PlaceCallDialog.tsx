import { useMemo, useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api.js';
import { SEVERITY_LABELS } from '../lib/clocks.js';
import { loadAll } from '../lib/dashboard.js';
import { navigate, ticketHref } from '../lib/router.js';
import type { BladeView, Severity, SiteView } from '../lib/types.js';
import { ErrorBox } from './bits.js';
import { Dialog } from './Dialog.js';

const SEVERITY_HINTS: Record<Severity, string> = {
  1: 'Total system failure, a critical situation',
  2: 'A major function is not working',
  3: 'A bug, with a workaround',
  4: 'A minor error or inconvenience',
  5: 'A feature request for the product requirements',
};

/** A call placed by hand by the customer: severity as they reasonably determine it, 5 a feature request. */
export function PlaceCallDialog({
  sites,
  blades,
  defaultContact,
  onClose,
}: {
  sites: SiteView[];
  blades: Map<string, BladeView>;
  defaultContact: string;
  onClose(): void;
}) {
  const siteIds = useMemo(() => {
    const ids = new Set(sites.filter((s) => s.inContract).map((s) => s.siteId));
    if (ids.size === 0) for (const s of sites) ids.add(s.siteId);
    return [...ids].sort();
  }, [sites]);
  const [siteId, setSiteId] = useState(siteIds[0] ?? '');
  const [frameId, setFrameId] = useState('');
  const [bladeId, setBladeId] = useState('');
  const [severity, setSeverity] = useState<Severity>(3);
  const [summary, setSummary] = useState('');
  const [contact, setContact] = useState(defaultContact);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const frames = useMemo(() => {
    const ids = new Set<string>();
    for (const s of sites) if (s.siteId === siteId) for (const f of s.frames) ids.add(f.frameId);
    for (const b of blades.values()) if (b.siteId === siteId) ids.add(b.frameId);
    return [...ids].sort();
  }, [sites, blades, siteId]);
  const frameBlades = useMemo(
    () =>
      [...blades.values()]
        .filter((b) => b.siteId === siteId && b.frameId === frameId)
        .map((b) => b.bladeId)
        .sort(),
    [blades, siteId, frameId],
  );

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api<{ id?: string; ticket?: { id: string } }>('/api/tickets', {
        method: 'POST',
        body: {
          siteId,
          ...(frameId ? { frameId } : {}),
          ...(bladeId ? { bladeId } : {}),
          severity,
          summary: summary.trim(),
          ...(contact.trim() ? { contact: contact.trim() } : {}),
        },
      });
      const id = created.id ?? created.ticket?.id;
      void loadAll();
      onClose();
      if (id) navigate(ticketHref(String(id)));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'ERROR', (e as Error).message));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Place a call" onClose={onClose} wide>
      <form class="call-form" onSubmit={submit} aria-label="Place a call">
        <div class="field-row">
          <div class="field">
            <label for="call-site">Site</label>
            <select
              id="call-site"
              value={siteId}
              required
              onChange={(e) => {
                setSiteId(e.currentTarget.value);
                setFrameId('');
                setBladeId('');
              }}
            >
              {siteIds.map((s) => (
                <option key={s} value={s}>
                  {s}
                  {sites.find((x) => x.siteId === s)?.name
                    ? ` — ${sites.find((x) => x.siteId === s)!.name}`
                    : ''}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="call-frame">Frame (optional)</label>
            <select
              id="call-frame"
              value={frameId}
              onChange={(e) => {
                setFrameId(e.currentTarget.value);
                setBladeId('');
              }}
            >
              <option value="">Whole site</option>
              {frames.map((f) => (
                <option key={f} value={f}>
                  {f}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="call-blade">Blade (optional)</label>
            <select
              id="call-blade"
              value={bladeId}
              disabled={!frameId}
              onChange={(e) => setBladeId(e.currentTarget.value)}
            >
              <option value="">Whole frame</option>
              {frameBlades.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </select>
          </div>
        </div>
        <fieldset class="field choice severities">
          <legend>Severity</legend>
          {([1, 2, 3, 4, 5] as Severity[]).map((s) => (
            <label key={s} class={`sev-choice${severity === s ? ' checked' : ''}`}>
              <input
                type="radio"
                name="severity"
                value={s}
                checked={severity === s}
                onChange={() => setSeverity(s)}
              />
              <span class={`sev sev-${s}`}>S{s}</span>
              <span>
                <strong>{SEVERITY_LABELS[s]}</strong>
                <span class="muted small"> {SEVERITY_HINTS[s]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="call-summary">
            {severity === 5 ? 'The feature requested' : 'What is wrong'}
          </label>
          <textarea
            id="call-summary"
            rows={3}
            required
            value={summary}
            onInput={(e) => setSummary(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="call-contact">Call-back contact</label>
          <input
            id="call-contact"
            type="text"
            value={contact}
            onInput={(e) => setContact(e.currentTarget.value)}
          />
        </div>
        <ErrorBox error={error} />
        <div class="form-buttons">
          <button type="submit" class="primary" disabled={busy || !siteId}>
            {busy ? 'Placing…' : severity === 5 ? 'Submit feature request' : 'Place call'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
