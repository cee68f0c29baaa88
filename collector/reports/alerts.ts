import type { Logger } from '../../shared/logger.js';

import { alert as activityAlert, type ActivityInput } from '../activity/activity-log.js';

/**
 * Site-wide conditions the reporting side raises, for the live stream and notifications to carry
 * (`alert` messages): a site below one full spare set and its restock, an end-of-support notice.
 * Each is recorded in the store once, with its entry in the activity log (which the live stream
 * serves) in the same transaction; listeners hear it after the commit.
 */
export type AlertKind = 'spares.below-one-set' | 'spares.restocked' | 'release.end-of-support';

export interface SiteAlert {
  kind: AlertKind;
  severity: 'info' | 'warning' | 'critical';
  /** The site concerned, or null for the whole contract. */
  siteId: string | null;
  at: string;
  /** One line for people. */
  message: string;
  data: Record<string, unknown>;
}

export type AlertListener = (alert: SiteAlert) => void;

/** Listeners of alerts; one failing listener neither stops the others nor the caller. */
export class AlertEmitter {
  private readonly listeners = new Set<AlertListener>();

  constructor(private readonly logger?: Logger) {}

  on(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(alert: SiteAlert): void {
    for (const listener of this.listeners) {
      try {
        listener(alert);
      } catch (error) {
        this.logger?.error({ err: error, kind: alert.kind }, 'alert listener failed');
      }
    }
  }
}

/** The alert as an entry of the activity log (`alert` messages of the live stream). */
export function alertActivity(a: SiteAlert): ActivityInput {
  return activityAlert(a.at, {
    ...a.data,
    kind: a.kind,
    severity: a.severity,
    message: a.message,
    siteId: a.siteId,
  });
}
