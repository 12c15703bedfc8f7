// Helpers of the catalog workflow tests (PRODUCT.md 3): staff accounts (an admin from the command line,
// an inventory user, a support user and a customer), random markers and ISBNs that keep every run's
// books apart in the persistent test database, book creation, search calls, cursor paging and the
// bytes of small but well-formed EPUB and PDF files.
//
// Isolation: the test database persists between runs and files run in parallel, so every test makes
// its own books and narrows every search with a marker word of its own (`zq` + 8 random letters) or a
// per-run author. Source addresses (see identity-lib.mjs): catalog-admin 230..239,
// catalog-search 240..245, catalog-browse 246..250.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { env, raw } from './lib.mjs';
import {
  api,
  createAdmin,
  newUser,
  userWithRole,
  expectStatus,
  expectProblem,
  fieldsOf,
  sameId,
} from './identity-lib.mjs';

export { api, expectStatus, expectProblem, fieldsOf, sameId };

// --- markers, names, ISBNs ----------------------------------------------------------------------------

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

export function randomLetters(n) {
  const bytes = crypto.randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += LETTERS[bytes[i] % 26];
  return s;
}

// A word no other run uses and that no stemmer or typo correction changes: zq + 8 lower-case letters.
export function marker() {
  return 'zq' + randomLetters(8);
}

// An author name of this run: two ordinary-looking words, the second one unique.
export function authorName(first = 'Ada') {
  const last = 'Zq' + randomLetters(8);
  return `${first} ${last}`;
}

export function isbn13CheckDigit(first12) {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return String((10 - (sum % 10)) % 10);
}

// A valid ISBN-13: 978 + 9 random digits + the check digit (10^9 choices: collisions are negligible).
export function randomIsbn13() {
  let digits = '978';
  const bytes = crypto.randomBytes(9);
  for (let i = 0; i < 9; i++) digits += String(bytes[i] % 10);
  return digits + isbn13CheckDigit(digits);
}

// The same ISBN with a wrong check digit.
export function badCheckDigit(isbn) {
  const d = (Number(isbn[12]) + 1) % 10;
  return isbn.slice(0, 12) + String(d);
}

// --- staff --------------------------------------------------------------------------------------------

// An admin (command line), an inventory user, a support user and a customer, all logged in through the
// service itself (their tokens work through nginx too). Made once per file: `const staff = await
// catalogStaff(addresses)` in before().
export async function catalogStaff(addresses) {
  const ip = addresses.next();
  const admin = await createAdmin(env.service, { ip });
  const [inventory, support, customer] = await Promise.all([
    userWithRole(env.service, admin, 'inventory', addresses.next()),
    userWithRole(env.service, admin, 'support', addresses.next()),
    newUser(env.service, { ip: addresses.next() }),
  ]);
  return { admin, inventory, support, customer };
}

// Only an admin (enough to create books), for the search files.
export async function catalogAdmin(addresses) {
  return createAdmin(env.service, { ip: addresses.next() });
}

// --- books --------------------------------------------------------------------------------------------

// A valid POST /api/v1/admin/books body; `fields` override or add.
export function bookInput(fields = {}) {
  return {
    isbn: randomIsbn13(),
    title: 'A Workflow Book',
    language: 'en',
    price_minor: 19900,
    format: 'epub',
    authors: [authorName()],
    genres: [],
    ...fields,
  };
}

// Creates a book as `token`'s user; asserts 201 and returns the book JSON.
export async function createBook(base, token, fields = {}, ip) {
  const input = bookInput(fields);
  const res = await api(base, 'POST', '/api/v1/admin/books', { body: input, token, ip });
  const book = expectStatus(res, 201, `create book "${input.title}"`);
  assert.ok(book && book.id !== undefined && book.id !== null, `no id in ${res.text}`);
  return book;
}

// Creates several books in parallel (a few at a time), in the order given.
export async function createBooks(base, token, list, ip, parallel = 6) {
  const out = new Array(list.length);
  let next = 0;
  async function worker() {
    while (next < list.length) {
      const i = next++;
      out[i] = await createBook(base, token, list[i], ip);
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, list.length) }, worker));
  return out;
}

// --- search -------------------------------------------------------------------------------------------

// The query string of `params` (an object; arrays are joined with commas; undefined values left out).
export function queryString(params) {
  const usp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    usp.append(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = usp.toString();
  return s ? `?${s}` : '';
}

export function searchRes(base, params, ip) {
  return api(base, 'GET', `/api/v1/books${queryString(params)}`, { ip });
}

// GET /api/v1/books; asserts 200 and the shape of the page; returns the body.
export async function search(base, params, ip) {
  const res = await searchRes(base, params, ip);
  const body = expectStatus(res, 200, `search ${JSON.stringify(params)}`);
  checkSearchPage(body, res, { cursorPage: params.cursor !== undefined, noFacets: params.facets === 'false' });
  return body;
}

// The shape of a search page. The total comes with the facets (the first page, facets not turned off):
// a cursor page or facets=false leaves total and total_exact null.
export function checkSearchPage(body, res = { text: JSON.stringify(body) }, { cursorPage = false, noFacets = false } = {}) {
  assert.ok(body && Array.isArray(body.items), `no items: ${res.text.slice(0, 400)}`);
  assert.ok(body.next_cursor === null || typeof body.next_cursor === 'string', `next_cursor: ${body.next_cursor}`);
  if (cursorPage || noFacets) {
    assert.equal(body.total, null, `total without facets: ${res.text.slice(0, 400)}`);
    assert.equal(body.total_exact, null, `total null but total_exact ${body.total_exact}`);
  } else {
    assert.equal(typeof body.total, 'number', `total: ${res.text.slice(0, 400)}`);
    assert.equal(typeof body.total_exact, 'boolean', `total_exact: ${res.text.slice(0, 400)}`);
  }
  assert.ok('facets' in body, 'no facets key');
  assert.ok('corrected_query' in body, 'no corrected_query key');
  for (const item of body.items) {
    for (const f of ['id', 'isbn13', 'title', 'authors', 'genres', 'language', 'price_minor', 'currency', 'format', 'in_stock', 'rating', 'sales_count', 'highlight']) {
      assert.ok(f in item, `search item without ${f}: ${JSON.stringify(item)}`);
    }
  }
}

export function idsOf(items) {
  return items.map((b) => String(b.id));
}

export function sortedIds(items) {
  return idsOf(items).sort();
}

// The ids a search finds (one page of up to 100; asserts that there is no further page).
export async function searchIds(base, params, ip) {
  const body = await search(base, { limit: 100, ...params }, ip);
  assert.equal(body.next_cursor, null, `more than 100 results for ${JSON.stringify(params)}`);
  return sortedIds(body.items);
}

// Every page of a search, following next_cursor; asserts that no id comes twice. `between(pageIndex)`
// runs after each page that has a successor (to insert books meanwhile). Returns {items, pages, first}.
export async function allSearchPages(base, params, ip, { between, maxPages = 100 } = {}) {
  const seen = new Set();
  const items = [];
  let cursor;
  let first;
  for (let page = 0; page < maxPages; page++) {
    const body = await search(base, { ...params, cursor }, ip);
    if (page === 0) first = body;
    else assert.equal(body.facets, null, `facets on page ${page + 1} (a cursor page): ${JSON.stringify(body.facets)}`);
    for (const item of body.items) {
      const id = String(item.id);
      assert.ok(!seen.has(id), `book ${id} is on two pages of ${JSON.stringify(params)} (page ${page + 1})`);
      seen.add(id);
      items.push(item);
    }
    if (body.next_cursor === null) return { items, pages: page + 1, first };
    assert.ok(body.items.length > 0, 'an empty page with a next_cursor');
    cursor = body.next_cursor;
    if (between) await between(page);
  }
  assert.fail(`more than ${maxPages} pages of ${JSON.stringify(params)}`);
}

// --- files --------------------------------------------------------------------------------------------

// CRC-32 (IEEE) of a buffer; zlib.crc32 needs Node 20.15, Debian bookworm ships Node 18.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function zipEntry(name, data) {
  const nameBuf = Buffer.from(name, 'utf8');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4); // version needed
  local.writeUInt16LE(0, 6); // flags
  local.writeUInt16LE(0, 8); // stored
  local.writeUInt16LE(0, 10); // time
  local.writeUInt16LE(0x21, 12); // date 1980-01-01
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBuf.length, 26);
  local.writeUInt16LE(0, 28);
  return { nameBuf, crc, data, local: Buffer.concat([local, nameBuf, data]) };
}

// A minimal EPUB: a stored (uncompressed) ZIP whose first entry is `mimetype` = application/epub+zip,
// then META-INF/container.xml and one XHTML page naming `tag` (plus `padding` bytes of text in it).
export function epubBytes(tag = 'x', padding = 0) {
  const files = [
    ['mimetype', Buffer.from('application/epub+zip', 'ascii')],
    [
      'META-INF/container.xml',
      Buffer.from(
        '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">' +
          '<rootfiles><rootfile full-path="content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
      ),
    ],
    ['content.opf', Buffer.from(`<?xml version="1.0"?><package version="3.0" xmlns="http://www.idpf.org/2007/opf"><metadata><dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">${tag}</dc:title></metadata></package>`)],
    ['page.xhtml', Buffer.from(`<html xmlns="http://www.w3.org/1999/xhtml"><body><p>${tag} ${crypto.randomBytes(8).toString('hex')}</p><p>${'lorem ipsum '.repeat(Math.ceil(padding / 12)).slice(0, padding)}</p></body></html>`)],
  ];
  const parts = [];
  const central = [];
  let offset = 0;
  for (const [name, data] of files) {
    const e = zipEntry(name, data);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(10, 6);
    c.writeUInt16LE(0, 8);
    c.writeUInt16LE(0, 10);
    c.writeUInt16LE(0, 12);
    c.writeUInt16LE(0x21, 14);
    c.writeUInt32LE(e.crc, 16);
    c.writeUInt32LE(data.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(e.nameBuf.length, 28);
    c.writeUInt32LE(offset, 42);
    central.push(Buffer.concat([c, e.nameBuf]));
    parts.push(e.local);
    offset += e.local.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

// A minimal one-page PDF naming `tag`.
export function pdfBytes(tag = 'x') {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
  ];
  const stream = `BT /F1 12 Tf 20 100 Td (${tag} ${crypto.randomBytes(6).toString('hex')}) Tj ET`;
  objs.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  let out = '%PDF-1.4\n';
  const offsets = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export function sha256Hex(buf) {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

// PUT /api/v1/admin/books/{id}/file with raw bytes (api() sends strings; this sends a Buffer).
export async function putFile(base, id, bytes, contentType, token, ip) {
  const headers = {
    accept: 'application/json',
    'content-type': contentType,
    'content-length': String(bytes.length),
    authorization: `Bearer ${token}`,
  };
  const r = await raw(`${base}/api/v1/admin/books/${id}/file`, { method: 'PUT', headers, body: bytes, localAddress: ip, agent: false });
  let json = null;
  if (/json/.test(r.headers['content-type'] ?? '') && r.body.length > 0) {
    try {
      json = JSON.parse(r.body);
    } catch {
      json = null;
    }
  }
  return { status: r.status, headers: r.headers, text: r.body, json, method: 'PUT', path: `/api/v1/admin/books/${id}/file`, ip };
}

// --- small checks -------------------------------------------------------------------------------------

// A status that is not a server error: 5xx never, for any input.
export function assertNoServerError(res, what) {
  assert.ok(res.status < 500, `${what}: ${res.method} ${res.path} -> ${res.status} ${res.text.slice(0, 300)}`);
}

export function assertTimestampOrNull(v, what) {
  if (v === null) return;
  assert.equal(typeof v, 'string', `${what}: ${v}`);
  assert.ok(!Number.isNaN(Date.parse(v)), `${what} does not parse: ${v}`);
}
