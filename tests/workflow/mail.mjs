// Reading the mail the service sent, for the workflow tests. In the test stack the service sends over
// SMTP to tools/smtp-capture, which writes every message to BOOKSTORE_TEST_MAIL_DIR as
// <UTC timestamp>-<seq>.eml with "X-Capture-Rcpt: <address>" lines on top (see `scripts/devstack env`).
//
//   import { waitForMail, extractCode, extractToken } from './mail.mjs';
//   const since = Date.now();
//   ... register jane-<unique>@example.com ...
//   const mail = await waitForMail({ to: email, since, template: 'verify_email' });
//   const code = extractCode(mail.text), token = extractToken(mail.text);
//
// Tests run in parallel and the directory is shared: match on a recipient address of the test's own
// (uniqueId() in lib.mjs) and on `since`, never on "the newest file".
import fs from 'node:fs';
import path from 'node:path';

export const mailDir = process.env.BOOKSTORE_TEST_MAIL_DIR ?? 'var/test/mail';

const FILE_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-\d+\.eml$/;

// Milliseconds since the epoch at which the capture server wrote `name` (from the name itself, which
// comes from the same clock as Date.now(); the file's mtime when the name does not say).
function writtenAt(dir, name) {
  const m = FILE_NAME.exec(name);
  if (m) return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]);
  try {
    return fs.statSync(path.join(dir, name)).mtimeMs;
  } catch {
    return -Infinity;
  }
}

const parsedCache = new Map(); // file path -> parsed message (files never change once written)

// Waits until a message to `to` written at or after `since` (a Date or epoch milliseconds) arrives,
// optionally also of `template` (the X-Bookstore-Template header) and/or with a subject that includes
// `subjectIncludes`; resolves to the first such message (oldest first): {subject, text, html, headers,
// recipients, file}. Rejects after timeoutMs with what was seen for that address.
export async function waitForMail({
  to,
  since = 0,
  template,
  subjectIncludes,
  timeoutMs = 10_000,
  intervalMs = 100,
  dir = mailDir,
} = {}) {
  if (!to) throw new Error('waitForMail: `to` is required');
  const sinceMs = since instanceof Date ? since.getTime() : Number(since);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = listMail({ to, since: sinceMs, dir });
    const match = found.find(
      (m) =>
        (template === undefined || m.headers['x-bookstore-template'] === template) &&
        (subjectIncludes === undefined || m.subject.includes(subjectIncludes)),
    );
    if (match) return match;
    if (Date.now() >= deadline) {
      const seen = found.map((m) => `"${m.subject}" (${m.headers['x-bookstore-template'] ?? '?'})`).join(', ');
      throw new Error(
        `no mail to ${to} since ${new Date(sinceMs).toISOString()}` +
          (template ? ` with template ${template}` : '') +
          (subjectIncludes ? ` with a subject including "${subjectIncludes}"` : '') +
          ` within ${timeoutMs} ms in ${dir}; seen for that address: ${seen || 'none'}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// Every message to `to` (case-insensitive) written at or after `since`, oldest first.
export function listMail({ to, since = 0, dir = mailDir } = {}) {
  const sinceMs = since instanceof Date ? since.getTime() : Number(since);
  const want = to?.toLowerCase();
  let names;
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
  const out = [];
  for (const name of names.filter((n) => n.endsWith('.eml')).sort()) {
    if (writtenAt(dir, name) < sinceMs) continue;
    const file = path.join(dir, name);
    let message = parsedCache.get(file);
    if (!message) {
      try {
        message = { ...parseMessage(fs.readFileSync(file)), file };
      } catch (e) {
        if (e.code === 'ENOENT') continue; // deleted meanwhile
        throw e;
      }
      parsedCache.set(file, message);
    }
    if (want === undefined || message.recipients.some((r) => r.toLowerCase() === want)) out.push(message);
  }
  return out;
}

// The six-digit code of a verification mail.
export function extractCode(text) {
  const m = /(?<![\d])(\d{6})(?![\d])/.exec(text ?? '');
  if (!m) throw new Error(`no 6-digit code in: ${text}`);
  return m[1];
}

// The links of a text (http and https).
export function extractLinks(text) {
  return (text ?? '').match(/https?:\/\/[^\s<>"]+/g) ?? [];
}

// The decoded `token` query parameter of the first link that has one.
export function extractToken(text) {
  for (const link of extractLinks(text)) {
    const token = new URL(link).searchParams.get('token');
    if (token) return token;
  }
  throw new Error(`no link with a token= parameter in: ${text}`);
}

// --- a small MIME reader: enough for what the service and ordinary clients send ---------------------------

// Parses a whole message (Buffer or string). Text parts are decoded (quoted-printable, base64; charset
// per part, UTF-8 by default) with line breaks as "\n". headers: lower-case name -> first value (RFC 2047
// words decoded); allHeaders: [name, value] in order.
export function parseMessage(raw) {
  const bytes = Buffer.isBuffer(raw) ? raw.toString('latin1') : Buffer.from(raw, 'utf8').toString('latin1');
  const { headers, allHeaders, body } = splitEntity(bytes);
  const recipients = allHeaders.filter(([n]) => n.toLowerCase() === 'x-capture-rcpt').map(([, v]) => v.trim());
  const parts = { text: undefined, html: undefined };
  collectParts(headers, body, parts);
  return {
    subject: headers.subject ?? '',
    text: parts.text ?? '',
    html: parts.html ?? '',
    headers,
    allHeaders,
    recipients,
  };
}

// Header block and body of an entity held as a latin1 string (one character per byte).
function splitEntity(bytes) {
  let end = bytes.indexOf('\r\n\r\n');
  let sep = 4;
  const lf = bytes.indexOf('\n\n');
  if (end < 0 || (lf >= 0 && lf < end)) {
    end = lf;
    sep = 2;
  }
  const head = end < 0 ? bytes : bytes.slice(0, end);
  const body = end < 0 ? '' : bytes.slice(end + sep);
  const allHeaders = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && allHeaders.length) allHeaders[allHeaders.length - 1][1] += line;
    else {
      const colon = line.indexOf(':');
      if (colon > 0) allHeaders.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
    }
  }
  const headers = {};
  for (const [name, value] of allHeaders) {
    const key = name.toLowerCase();
    if (!(key in headers)) headers[key] = decodeHeader(value);
  }
  for (const pair of allHeaders) pair[1] = decodeHeader(pair[1]);
  return { headers, allHeaders, body };
}

// RFC 2047 encoded-words (B and Q) in a latin1-held header value; raw 8-bit text is taken as UTF-8.
function decodeHeader(value) {
  const words = /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g;
  const joined = value.replace(/(\?=)\s+(?==\?)/g, '$1'); // white space between adjacent words goes
  let out = '';
  let last = 0;
  for (let m; (m = words.exec(joined)); ) {
    out += Buffer.from(joined.slice(last, m.index), 'latin1').toString('utf8');
    const [, charset, enc, data] = m;
    const decoded =
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('latin1')
        : qpDecode(data.replace(/_/g, ' '));
    out += decodeCharset(decoded, charset);
    last = m.index + m[0].length;
  }
  out += Buffer.from(joined.slice(last), 'latin1').toString('utf8');
  return out;
}

function contentType(value = 'text/plain') {
  const [type, ...params] = value.split(';');
  const out = { type: type.trim().toLowerCase(), params: {} };
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    out.params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  return out;
}

function collectParts(headers, body, parts) {
  const ct = contentType(headers['content-type']);
  if (ct.type.startsWith('multipart/') && ct.params.boundary) {
    const delimiter = `--${ct.params.boundary}`;
    const lines = body.split(/\r?\n/);
    let current = null;
    for (const line of lines) {
      if (line === delimiter || line === `${delimiter}--`) {
        if (current) {
          const entity = splitEntity(current.join('\r\n'));
          collectParts(entity.headers, entity.body, parts);
        }
        if (line.endsWith('--') && line !== delimiter) break;
        current = [];
      } else if (current) {
        current.push(line);
      }
    }
    return;
  }
  if (ct.type !== 'text/plain' && ct.type !== 'text/html') return;
  const key = ct.type === 'text/plain' ? 'text' : 'html';
  if (parts[key] !== undefined) return;
  const cte = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const decoded =
    cte === 'quoted-printable' ? qpDecode(body) : cte === 'base64' ? Buffer.from(body, 'base64').toString('latin1') : body;
  parts[key] = decodeCharset(decoded, ct.params.charset ?? 'utf-8').replace(/\r\n/g, '\n');
}

// Quoted-printable of a latin1-held string to a latin1-held string of bytes.
function qpDecode(s) {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

function decodeCharset(latin1, charset) {
  const bytes = Buffer.from(latin1, 'latin1');
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}
