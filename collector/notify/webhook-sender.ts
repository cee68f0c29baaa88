import type { Clock } from '../../shared/clock.js';
import type { WebhookSettings } from '../../shared/config/notify-config.js';
import type { DeliveryWithPayload } from './delivery-store.js';
import type { ChannelSender } from './delivery-worker.js';
import { postWebhook, type AttemptInfo, type AttemptResult } from './webhook.js';

/** The webhook channel: a delivery's target names the configured webhook it goes to. */
export class WebhookSender implements ChannelSender {
  private readonly byName: Map<string, WebhookSettings>;

  constructor(
    webhooks: readonly WebhookSettings[],
    private readonly options: { clock: Clock; timeoutMs: number },
  ) {
    this.byName = new Map(webhooks.map((hook) => [hook.name, hook]));
  }

  send(delivery: DeliveryWithPayload, info: AttemptInfo): Promise<AttemptResult> {
    const hook = this.byName.get(delivery.target);
    if (!hook) {
      return Promise.resolve({
        outcome: 'failed',
        code: null,
        error: `webhook "${delivery.target}" is no longer configured`,
      });
    }
    return postWebhook(
      {
        url: hook.url,
        secret: hook.secret,
        headers: hook.headers,
        eventKey: delivery.eventKey,
        eventType: delivery.eventType,
        payload: delivery.payload,
        info,
      },
      this.options,
    );
  }
}
