import type { Generated } from 'kysely';

/** End-of-support notices, one per Major Release (unique), recorded before they are mailed. */
export interface ReleaseNoticesTable {
  id: Generated<number>;
  /** `<product>@<version>`. */
  release_key: string;
  product: string;
  version: string;
  end_of_support: string;
  /** JSON: the blades running the release when the notice was made. */
  blades: string;
  recipients: string;
  /** Made inside the 120-to-90-day window, or later (`late`). */
  late: number;
  recorded_at: string;
  /** When the mail was queued (null: not yet; retried at the next check). */
  mailed_at: string | null;
  mail_key: string | null;
}

export interface ReleaseTables {
  release_notices: ReleaseNoticesTable;
}
