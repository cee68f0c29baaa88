/**
 * Just enough MIME to read back what nodemailer wrote in tests: headers (unfolded, encoded
 * words decoded), multipart bodies, quoted-printable and base64 parts.
 */
export interface MimePart {
  headers: Map<string, string>;
  /** Leaf parts: the decoded content. */
  body: Buffer;
  parts: MimePart[];
}

export interface ParsedMail {
  headers: Map<string, string>;
  subject: string;
  to: string;
  from: string;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(
      /=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g,
      (_, _charset: string, enc: string, text: string) =>
        enc.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64').toString('utf8')
          : decodeQp(text.replace(/_/g, ' ')).toString('utf8'),
    );
}

function decodeQp(text: string): Buffer {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i++) {
    const ch = soft[i]!;
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function splitHead(raw: string): { headers: Map<string, string>; body: string } {
  const at = raw.search(/\r?\n\r?\n/);
  const head = at < 0 ? raw : raw.slice(0, at);
  const body = at < 0 ? '' : raw.slice(at).replace(/^\r?\n\r?\n/, '');
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      headers.set(
        line.slice(0, colon).trim().toLowerCase(),
        decodeWords(line.slice(colon + 1).trim()),
      );
    }
  }
  return { headers, body };
}

function param(header: string | undefined, name: string): string | undefined {
  const match = new RegExp(`${name}="?([^";]+)"?`, 'i').exec(header ?? '');
  return match?.[1];
}

export function parseMime(raw: string): MimePart {
  const { headers, body } = splitHead(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  if (/^multipart\//i.test(type)) {
    const boundary = param(type, 'boundary')!;
    const sections = body.split(
      new RegExp(`\\r?\\n?--${boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:--)?\\r?\\n?`),
    );
    const parts = sections.filter((s) => s.trim() !== '').map(parseMime);
    return { headers, body: Buffer.alloc(0), parts };
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const content =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? decodeQp(body)
        : Buffer.from(body.replace(/\r?\n$/, ''), 'utf8');
  return { headers, body: content, parts: [] };
}

function leaves(part: MimePart): MimePart[] {
  return part.parts.length === 0 ? [part] : part.parts.flatMap(leaves);
}

export function parseMail(raw: string): ParsedMail {
  const root = parseMime(raw);
  const all = leaves(root);
  const isAttachment = (p: MimePart) =>
    /attachment/i.test(p.headers.get('content-disposition') ?? '');
  const ofType = (t: string) =>
    all.find(
      (p) =>
        !isAttachment(p) &&
        (p.headers.get('content-type') ?? 'text/plain').toLowerCase().startsWith(t),
    );
  return {
    headers: root.headers,
    subject: root.headers.get('subject') ?? '',
    to: root.headers.get('to') ?? '',
    from: root.headers.get('from') ?? '',
    text: ofType('text/plain')?.body.toString('utf8').replace(/\r\n/g, '\n') ?? '',
    html: ofType('text/html')?.body.toString('utf8').replace(/\r\n/g, '\n') ?? '',
    attachments: all.filter(isAttachment).map((p) => ({
      filename: param(p.headers.get('content-disposition'), 'filename') ?? '',
      contentType: (p.headers.get('content-type') ?? '').split(';')[0]!,
      content: p.body,
    })),
  };
}
