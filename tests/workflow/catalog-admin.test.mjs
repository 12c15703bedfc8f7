// Admin inventory (PRODUCT.md 3 "Admin inventory", 2 "Roles"): create, read, edit, change price and
// stock, upload/replace the file, soft delete, restore, list deleted; every change audited; only the
// inventory and admin roles may touch the catalog (a customer or support user gets 403, nobody 401);
// stock never goes negative, even under concurrent decrements. Through nginx and directly.
// Source addresses 127.0.0.230..239 (catalog-lib.mjs).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { targets } from './lib.mjs';
import { addressPool, expectUnauthenticated, expectFieldError, assertTimestamp, expect2xx } from './identity-lib.mjs';
import {
  api,
  expectStatus,
  expectProblem,
  fieldsOf,
  sameId,
  marker,
  authorName,
  randomIsbn13,
  badCheckDigit,
  catalogStaff,
  bookInput,
  createBook,
  searchIds,
  epubBytes,
  pdfBytes,
  sha256Hex,
  putFile,
  assertNoServerError,
} from './catalog-lib.mjs';

const addresses = addressPool(230, 239);

let staff;
before(async () => {
  staff = await catalogStaff(addresses);
});

const BOOK_FIELDS = [
  'id', 'isbn13', 'title', 'subtitle', 'description', 'authors', 'genres', 'publisher', 'language',
  'publication_year', 'page_count', 'cover_url', 'price_minor', 'currency', 'format', 'stock', 'in_stock',
  'rating', 'sales_count', 'has_file', 'created_at', 'updated_at',
];

// The book JSON of the contract; `input` is what was sent on creation.
function checkBook(book, input, { admin = false } = {}) {
  for (const f of BOOK_FIELDS) assert.ok(f in book, `book JSON without ${f}: ${JSON.stringify(book)}`);
  if (admin) {
    assert.ok('deleted_at' in book, `admin book JSON without deleted_at: ${JSON.stringify(book)}`);
    assert.ok('file' in book, `admin book JSON without file: ${JSON.stringify(book)}`);
  }
  if (!input) return;
  assert.equal(book.isbn13, input.isbn.replace(/[- ]/g, ''));
  assert.equal(book.title, input.title);
  assert.equal(book.subtitle ?? '', input.subtitle ?? '');
  assert.equal(book.description ?? '', input.description ?? '');
  assert.deepEqual(book.authors.map((a) => a.name), input.authors, 'authors in their order');
  for (const a of book.authors) assert.ok(a.id !== undefined && a.id !== null, `author without id: ${JSON.stringify(a)}`);
  assert.deepEqual(book.genres.map((g) => g.slug).sort(), [...input.genres].sort());
  for (const g of book.genres) {
    assert.equal(typeof g.name, 'string');
    assert.ok(g.id !== undefined && g.id !== null);
  }
  if (input.publisher) assert.equal(book.publisher?.name, input.publisher);
  else assert.equal(book.publisher, null);
  assert.equal(book.language, input.language);
  assert.equal(book.publication_year, input.publication_year ?? null);
  assert.equal(book.page_count, input.page_count ?? null);
  assert.equal(book.cover_url, input.cover_url ?? null);
  assert.equal(book.price_minor, input.price_minor);
  assert.equal(book.currency, input.currency ?? 'INR');
  assert.equal(book.format, input.format);
  assert.equal(book.stock, input.stock ?? null);
  assert.equal(book.in_stock, input.stock === undefined || input.stock === null || input.stock > 0);
  assert.equal(typeof book.rating?.average, 'number');
  assert.equal(typeof book.rating?.count, 'number');
  assert.equal(typeof book.sales_count, 'number');
  assert.equal(typeof book.has_file, 'boolean');
  assertTimestamp(book.created_at, 'created_at');
  assertTimestamp(book.updated_at, 'updated_at');
}

async function auditActions(base, bookId, ip) {
  const res = await api(base, 'GET', `/api/v1/admin/audit?target_type=book&target=${bookId}&limit=200`, {
    token: staff.admin.token,
    ip,
  });
  const body = expectStatus(res, 200, 'audit of a book');
  assert.ok(Array.isArray(body.items), res.text);
  for (const e of body.items) {
    assert.equal(e.target_type, 'book', JSON.stringify(e));
    assert.ok(sameId(e.target_id, bookId), JSON.stringify(e));
  }
  return body.items;
}

function expectActions(items, expected, what) {
  const actions = items.map((e) => e.action);
  for (const a of expected) assert.ok(actions.includes(a), `${what}: no ${a} in the audit log: ${JSON.stringify(actions)}`);
}

for (const [name, base] of targets) {
  describe(`catalog admin ${name}`, () => {
    it('create: 201 with Location and the whole book; the admin and the public views show it', async () => {
      const ip = addresses.next();
      const m = marker();
      const input = bookInput({
        title: `The Workflow Atlas ${m}`,
        subtitle: 'Maps of a test run',
        description: `A description that names the marker ${m}.`,
        publisher: `Press ${m}`,
        language: 'en',
        publication_year: 2019,
        page_count: 321,
        cover_url: `https://covers.example.test/${m}.jpg`,
        price_minor: 45900,
        currency: 'INR',
        format: 'pdf',
        stock: 7,
        authors: [authorName('Ada'), authorName('Grace')],
        genres: ['fiction', 'fantasy'],
      });
      const res = await api(base, 'POST', '/api/v1/admin/books', { body: input, token: staff.inventory.token, ip });
      const book = expectStatus(res, 201, 'create by an inventory user');
      checkBook(book, input, { admin: true });
      assert.equal(book.deleted_at, null);
      assert.equal(book.has_file, false);
      assert.equal(book.file, null);
      assert.equal(book.sales_count, 0);
      assert.deepEqual(book.rating, { average: 0, count: 0 });
      const location = res.headers.location ?? '';
      assert.match(location, new RegExp(`/books/${book.id}$`), `Location: ${location}`);

      const adminView = expectStatus(
        await api(base, 'GET', `/api/v1/admin/books/${book.id}`, { token: staff.inventory.token, ip }),
        200,
        'admin GET',
      );
      checkBook(adminView, input, { admin: true });

      const pub = await api(base, 'GET', `/api/v1/books/${book.id}`, { ip });
      const publicView = expectStatus(pub, 200, 'public GET');
      checkBook(publicView, input);
      assert.ok(!('deleted_at' in publicView), 'the public view shows deleted_at');
      assert.ok(!/storage_key|file_key/.test(pub.text), `the public view shows where the file is: ${pub.text}`);

      // Unlimited stock by default; in stock.
      const unlimited = await createBook(base, staff.admin.token, { title: `Unlimited ${m}` }, ip);
      assert.equal(unlimited.stock, null);
      assert.equal(unlimited.in_stock, true);
      assert.equal(unlimited.currency, 'INR');

      // The same author name is the same author.
      const again = await createBook(base, staff.admin.token, { title: `Second ${m}`, authors: [input.authors[0]] }, ip);
      assert.ok(sameId(again.authors[0].id, book.authors[0].id), 'one name, two authors');

      expectActions(await auditActions(base, book.id, ip), ['book.created'], 'create');
    });

    it('create: validation as 422 naming the field, a taken ISBN 409, an ISBN with hyphens stored as 13 digits', async () => {
      const ip = addresses.next();
      const m = marker();
      const token = staff.inventory.token;
      const post = (body) => api(base, 'POST', '/api/v1/admin/books', { body, token, ip });

      const cases = [
        ['genres', bookInput({ genres: [`no-such-genre-${m}`] })],
        ['isbn', bookInput({ isbn: badCheckDigit(randomIsbn13()) })],
        ['isbn', bookInput({ isbn: '12345' })],
        ['title', bookInput({ title: '' })],
        ['format', bookInput({ format: 'mobi' })],
        ['price_minor', bookInput({ price_minor: -1 })],
        ['authors', bookInput({ authors: [] })],
        ['authors', bookInput({ authors: Array.from({ length: 21 }, (_, i) => `Author ${i} ${m}`) })],
        ['genres', bookInput({ genres: ['fiction', 'fantasy', 'classics', 'mystery', 'thriller', 'crime', 'romance', 'horror', 'poetry', 'drama', 'history'] })],
        ['language', bookInput({ language: 'english' })],
        ['stock', bookInput({ stock: -1 })],
      ];
      for (const [field, body] of cases) {
        expectFieldError(await post(body), 422, field, `create with a bad ${field} (${JSON.stringify(body[field] ?? body.isbn)})`);
      }
      const missingTitle = bookInput();
      delete missingTitle.title;
      expectFieldError(await post(missingTitle), 422, 'title', 'create without a title');
      const unknownField = await post({ ...bookInput(), colour: 'blue' });
      const p = expectProblem(unknownField, 422, 'an unknown body field');
      assert.ok(fieldsOf(p).includes('colour'), `the unknown field is not named: ${unknownField.text}`);

      // The ISBN as printed, with hyphens: stored as its 13 digits; then taken -> 409.
      const isbn = randomIsbn13();
      const hyphenated = `${isbn.slice(0, 3)}-${isbn.slice(3, 4)}-${isbn.slice(4, 8)}-${isbn.slice(8, 12)}-${isbn.slice(12)}`;
      const book = await createBook(base, token, { isbn: hyphenated, title: `Hyphens ${m}` }, ip);
      assert.equal(book.isbn13, isbn);
      expectProblem(await post(bookInput({ isbn })), 409, 'a taken ISBN');
      expectProblem(await post(bookInput({ isbn: hyphenated })), 409, 'a taken ISBN, typed with hyphens');

      // Nothing of the refused books was stored.
      assert.deepEqual(await searchIds(base, { q: m }, ip), [String(book.id)]);
    });

    it('edit: PATCH changes only what it names; authors and genres replace the lists; audited', async () => {
      const ip = addresses.next();
      const m = marker();
      const token = staff.inventory.token;
      const input = bookInput({
        title: `Sunrise ${m}`,
        description: `Unchanged description ${m}`,
        authors: [authorName('Old')],
        genres: ['fiction'],
        price_minor: 10000,
        publication_year: 2001,
      });
      const book = expectStatus(await api(base, 'POST', '/api/v1/admin/books', { body: input, token, ip }), 201);

      const newAuthors = [authorName('New'), authorName('Second')];
      const patched = expectStatus(
        await api(base, 'PATCH', `/api/v1/admin/books/${book.id}`, {
          body: { title: `Sunset ${m}`, authors: newAuthors, genres: ['mystery', 'crime'] },
          token,
          ip,
        }),
        200,
        'PATCH title, authors, genres',
      );
      assert.equal(patched.title, `Sunset ${m}`);
      assert.equal(patched.description, input.description);
      assert.equal(patched.price_minor, 10000);
      assert.equal(patched.publication_year, 2001);
      assert.equal(patched.isbn13, book.isbn13);
      assert.deepEqual(patched.authors.map((a) => a.name), newAuthors);
      assert.deepEqual(patched.genres.map((g) => g.slug).sort(), ['crime', 'mystery']);
      assert.ok(Date.parse(patched.updated_at) >= Date.parse(book.updated_at));

      const priced = expectStatus(
        await api(base, 'PATCH', `/api/v1/admin/books/${book.id}`, { body: { price_minor: 12345, publication_year: null }, token, ip }),
        200,
        'PATCH price',
      );
      assert.equal(priced.price_minor, 12345);
      assert.equal(priced.publication_year, null);
      assert.equal(priced.title, `Sunset ${m}`);

      // The public view and search follow.
      const pub = expectStatus(await api(base, 'GET', `/api/v1/books/${book.id}`, { ip }), 200);
      assert.equal(pub.title, `Sunset ${m}`);
      assert.equal(pub.price_minor, 12345);
      assert.deepEqual(await searchIds(base, { q: `sunset ${m}` }, ip), [String(book.id)]);
      assert.deepEqual(await searchIds(base, { q: `sunrise ${m}` }, ip), [], 'the old title still matches');
      assert.deepEqual(await searchIds(base, { q: m, genre: 'fiction' }, ip), [], 'the old genre still matches');
      assert.deepEqual(await searchIds(base, { q: m, genre: 'mystery,crime' }, ip), [String(book.id)]);
      assert.deepEqual(await searchIds(base, { author: patched.authors[0].id }, ip), [String(book.id)]);

      // Errors.
      expectFieldError(
        await api(base, 'PATCH', `/api/v1/admin/books/${book.id}`, { body: { price_minor: -5 }, token, ip }),
        422,
        'price_minor',
      );
      expectFieldError(
        await api(base, 'PATCH', `/api/v1/admin/books/${book.id}`, { body: { genres: [`nope-${m}`] }, token, ip }),
        422,
        'genres',
      );
      expectProblem(await api(base, 'PATCH', `/api/v1/admin/books/${book.id}`, { body: { colour: 'red' }, token, ip }), 422, 'unknown field');
      expectProblem(await api(base, 'PATCH', '/api/v1/admin/books/987654321012', { body: { title: 'x' }, token, ip }), 404, 'unknown id');
      const other = await createBook(base, token, { title: `Other ${m}` }, ip);
      expectProblem(
        await api(base, 'PATCH', `/api/v1/admin/books/${book.id}`, { body: { isbn: other.isbn13 }, token, ip }),
        409,
        "PATCH to another live book's ISBN",
      );

      const audit = await auditActions(base, book.id, ip);
      expectActions(audit, ['book.created', 'book.updated', 'book.price_changed'], 'edit');
      const priceEntry = audit.find((e) => e.action === 'book.price_changed');
      assert.ok(sameId(priceEntry.actor_id, staff.inventory.id), `price change actor ${priceEntry.actor_id}`);
    });

    it('soft delete hides the book, frees its ISBN and lists it as deleted; restore brings it back (409 while the ISBN is taken)', async () => {
      const ip = addresses.next();
      const m = marker();
      const token = staff.inventory.token;
      const book = await createBook(base, token, { title: `Deletable ${m}`, description: `marker ${m}` }, ip);
      assert.deepEqual(await searchIds(base, { q: m }, ip), [String(book.id)]);

      const del = expectStatus(await api(base, 'DELETE', `/api/v1/admin/books/${book.id}`, { token, ip }), 200, 'DELETE');
      assertTimestamp(del.deleted_at, 'deleted_at');
      expectProblem(await api(base, 'GET', `/api/v1/books/${book.id}`, { ip }), 404, 'public GET of a deleted book');
      assert.deepEqual(await searchIds(base, { q: m }, ip), [], 'a deleted book is found');
      const adminView = expectStatus(await api(base, 'GET', `/api/v1/admin/books/${book.id}`, { token, ip }), 200, 'admin GET of a deleted book');
      assertTimestamp(adminView.deleted_at, 'deleted_at');
      expectProblem(await api(base, 'DELETE', `/api/v1/admin/books/${book.id}`, { token, ip }), 404, 'DELETE again');

      // Listed among the deleted books (most recently deleted first: within the first pages).
      const seen = new Set();
      let cursor = null;
      let found = false;
      for (let page = 0; page < 10 && !found; page++) {
        const q = `/api/v1/admin/books/deleted?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const body = expectStatus(await api(base, 'GET', q, { token, ip }), 200, q);
        assert.ok(Array.isArray(body.items), JSON.stringify(body).slice(0, 300));
        for (const b of body.items) {
          assert.ok(!seen.has(String(b.id)), `deleted book ${b.id} on two pages`);
          seen.add(String(b.id));
          assert.notEqual(b.deleted_at, null, `a live book in the deleted list: ${JSON.stringify(b)}`);
          if (sameId(b.id, book.id)) found = true;
        }
        if (body.next_cursor === null) break;
        cursor = body.next_cursor;
      }
      assert.ok(found, 'the deleted book is not in /admin/books/deleted');
      expectFieldError(await api(base, 'GET', '/api/v1/admin/books/deleted?limit=0', { token, ip }), 422, 'limit');
      // (admin lists answer a bad cursor like the user list does: 422; the public search says 400)
      const badCursor = await api(base, 'GET', '/api/v1/admin/books/deleted?cursor=not-a-cursor', { token, ip });
      assert.ok([400, 422].includes(badCursor.status), `bad cursor -> ${badCursor.status}`);
      assert.ok(fieldsOf(expectProblem(badCursor, badCursor.status)).includes('cursor'), badCursor.text);

      // The ISBN is free for a live book; restoring the old one is then a conflict.
      const twin = await createBook(base, token, { isbn: book.isbn13, title: `Twin ${m}` }, ip);
      expectProblem(await api(base, 'POST', `/api/v1/admin/books/${book.id}/restore`, { token, ip }), 409, 'restore while the ISBN is taken');
      expectStatus(await api(base, 'DELETE', `/api/v1/admin/books/${twin.id}`, { token, ip }), 200, 'DELETE the twin');

      const restored = expectStatus(await api(base, 'POST', `/api/v1/admin/books/${book.id}/restore`, { token, ip }), 200, 'restore');
      assert.equal(restored.deleted_at, null);
      assert.equal(restored.title, `Deletable ${m}`);
      expectStatus(await api(base, 'GET', `/api/v1/books/${book.id}`, { ip }), 200, 'public GET after restore');
      assert.deepEqual(await searchIds(base, { q: m }, ip), [String(book.id)], 'restored book not found (or the twin is)');
      const again = await api(base, 'POST', `/api/v1/admin/books/${book.id}/restore`, { token, ip });
      assert.ok([404, 409].includes(again.status), `restore of a live book -> ${again.status} ${again.text.slice(0, 200)}`);
      expectProblem(again, again.status);
      expectProblem(await api(base, 'POST', '/api/v1/admin/books/987654321012/restore', { token, ip }), 404, 'restore of an unknown book');
      expectProblem(await api(base, 'GET', '/api/v1/admin/books/987654321012', { token, ip }), 404, 'admin GET of an unknown book');

      expectActions(await auditActions(base, book.id, ip), ['book.created', 'book.deleted', 'book.restored'], 'delete/restore');
    });

    it('a customer or support user gets 403, nobody gets 401, on every inventory route; inventory and admin may', async () => {
      const ip = addresses.next();
      const m = marker();
      const book = await createBook(base, staff.admin.token, { title: `Guarded ${m}`, stock: 5 }, ip);
      const routes = [
        ['POST', '/api/v1/admin/books', bookInput({ title: `Intruder ${m}` })],
        ['GET', `/api/v1/admin/books/${book.id}`],
        ['PATCH', `/api/v1/admin/books/${book.id}`, { price_minor: 1 }],
        ['DELETE', `/api/v1/admin/books/${book.id}`],
        ['POST', `/api/v1/admin/books/${book.id}/restore`],
        ['GET', '/api/v1/admin/books/deleted'],
        ['POST', `/api/v1/admin/books/${book.id}/stock`, { delta: -1 }],
      ];
      for (const [method, path, body] of routes) {
        for (const who of ['customer', 'support']) {
          const res = await api(base, method, path, { body, token: staff[who].token, ip });
          expectProblem(res, 403, `${who}: ${method} ${path}`);
        }
        expectUnauthenticated(await api(base, method, path, { body, ip }), `anonymous: ${method} ${path}`);
        expectUnauthenticated(await api(base, method, path, { body, ip, token: 'v4.public.garbage' }), `bad token: ${method} ${path}`);
      }
      for (const who of ['customer', 'support']) {
        expectProblem(await putFile(base, book.id, pdfBytes(m), 'application/pdf', staff[who].token, ip), 403, `${who}: PUT file`);
      }
      // Nothing changed.
      const after = expectStatus(await api(base, 'GET', `/api/v1/admin/books/${book.id}`, { token: staff.admin.token, ip }), 200);
      assert.equal(after.stock, 5);
      assert.equal(after.price_minor, book.price_minor);
      assert.equal(after.deleted_at, null);
      assert.equal(after.has_file, false);
      assert.deepEqual(await searchIds(base, { q: m }, ip), [String(book.id)], 'an intruder created a book');
      // The customer's own token still works for public reads.
      expectStatus(await api(base, 'GET', `/api/v1/books/${book.id}`, { token: staff.customer.token, ip }), 200);
      // Both staff roles may.
      const byInventory = expectStatus(
        await api(base, 'PATCH', `/api/v1/admin/books/${book.id}`, { body: { price_minor: 777 }, token: staff.inventory.token, ip }),
        200,
      );
      assert.equal(byInventory.price_minor, 777);
      expectStatus(await api(base, 'GET', '/api/v1/admin/books/deleted?limit=1', { token: staff.inventory.token, ip }), 200);
    });

    it('stock: 40 parallel decrements of a stock of 10 sell exactly 10; never negative; unlimited stock is 409', async () => {
      const ip = addresses.next();
      const m = marker();
      const token = staff.inventory.token;
      const book = await createBook(base, token, { title: `Scarce ${m}`, description: m, stock: 10 }, ip);
      const results = await Promise.all(
        Array.from({ length: 40 }, () => api(base, 'POST', `/api/v1/admin/books/${book.id}/stock`, { body: { delta: -1 }, token, ip })),
      );
      const statuses = results.map((r) => r.status);
      const ok = results.filter((r) => r.status === 200);
      const conflict = results.filter((r) => r.status === 409);
      assert.equal(ok.length, 10, `200s: ${ok.length}, statuses ${JSON.stringify(statuses)}`);
      assert.equal(conflict.length, 30, `409s: ${conflict.length}, statuses ${JSON.stringify(statuses)}`);
      for (const r of conflict) expectProblem(r, 409, 'decrement below zero');

      const after = expectStatus(await api(base, 'GET', `/api/v1/admin/books/${book.id}`, { token, ip }), 200);
      assert.equal(after.stock, 0);
      assert.equal(after.in_stock, false);
      const pub = expectStatus(await api(base, 'GET', `/api/v1/books/${book.id}`, { ip }), 200);
      assert.equal(pub.in_stock, false);
      assert.deepEqual(await searchIds(base, { q: m, in_stock: 'true' }, ip), [], 'an out-of-stock book passes in_stock=true');
      assert.deepEqual(await searchIds(base, { q: m }, ip), [String(book.id)]);

      // Back in stock.
      const refilled = expectStatus(await api(base, 'POST', `/api/v1/admin/books/${book.id}/stock`, { body: { delta: 5 }, token, ip }), 200);
      assert.equal(refilled.stock, 5);
      assert.equal(refilled.in_stock, true);
      assert.deepEqual(await searchIds(base, { q: m, in_stock: 'true' }, ip), [String(book.id)]);
      expectProblem(await api(base, 'POST', `/api/v1/admin/books/${book.id}/stock`, { body: { delta: -6 }, token, ip }), 409, 'more than is left');
      const unchanged = expectStatus(await api(base, 'GET', `/api/v1/admin/books/${book.id}`, { token, ip }), 200);
      assert.equal(unchanged.stock, 5, 'a refused decrement changed the stock');

      // Bad deltas.
      for (const body of [{ delta: 'one' }, { delta: 1.5 }, {}, { delta: -1, extra: 1 }]) {
        const res = await api(base, 'POST', `/api/v1/admin/books/${book.id}/stock`, { body, token, ip });
        const p = expectProblem(res, 422, `stock ${JSON.stringify(body)}`);
        assert.ok(fieldsOf(p).length > 0, `no field named: ${res.text}`);
      }
      expectProblem(await api(base, 'POST', '/api/v1/admin/books/987654321012/stock', { body: { delta: 1 }, token, ip }), 404);

      // Unlimited stock cannot be counted down.
      const unlimited = await createBook(base, token, { title: `Plenty ${m}` }, ip);
      expectProblem(await api(base, 'POST', `/api/v1/admin/books/${unlimited.id}/stock`, { body: { delta: -1 }, token, ip }), 409, 'unlimited stock');

      expectActions(await auditActions(base, book.id, ip), ['book.stock_changed'], 'stock');

      // Each successful decrement answers the stock it left (so no two answers show the same number).
      const left = ok.map((r) => r.json.stock).sort((a, b) => a - b);
      assert.deepEqual(left, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], `stock in the answers of the successful decrements: ${left}`);
    });

    it('file: upload an EPUB, replace it, refuse wrong content (422) and other types (415); audited', async () => {
      const ip = addresses.next();
      const m = marker();
      const token = staff.inventory.token;
      const book = await createBook(base, token, { title: `Filed ${m}`, format: 'epub' }, ip);

      const epub = epubBytes(m);
      const before = Date.now();
      const res = await putFile(base, book.id, epub, 'application/epub+zip', token, ip);
      const up = expectStatus(res, 200, 'PUT epub');
      assert.equal(up.has_file, true);
      assert.equal(up.file?.size, epub.length);
      assert.equal(up.file?.sha256, sha256Hex(epub));
      assertTimestamp(up.file?.uploaded_at, 'file.uploaded_at');
      assert.ok(Date.parse(up.file.uploaded_at) >= before - 5000);
      // Where the file lies on disk is nobody's business outside the service.
      const filesDir = process.env.BOOKSTORE_TEST_BOOK_FILES_DIR;
      if (filesDir) assert.ok(!res.text.includes(filesDir), `the answer names the files directory: ${res.text}`);

      const pub = await api(base, 'GET', `/api/v1/books/${book.id}`, { ip });
      assert.equal(expectStatus(pub, 200).has_file, true);
      assert.ok(!('file' in pub.json), `the public view has file: ${pub.text}`);
      assert.ok(!/storage_key|file_key/.test(pub.text), `the public view shows where the file is: ${pub.text}`);

      // Replace.
      const epub2 = epubBytes(`${m}-v2`);
      const up2 = expectStatus(await putFile(base, book.id, epub2, 'application/epub+zip', token, ip), 200, 'replace');
      assert.equal(up2.file.sha256, sha256Hex(epub2));
      assert.equal(up2.file.size, epub2.length);
      const adminView = expectStatus(await api(base, 'GET', `/api/v1/admin/books/${book.id}`, { token, ip }), 200);
      assert.equal(adminView.file.sha256, sha256Hex(epub2));

      // Wrong content for the declared type, or for the book's format.
      const wrong = [
        [Buffer.from('this is not an epub at all'), 'application/epub+zip'],
        [Buffer.from('%PDF-1.4 but declared as an epub'), 'application/epub+zip'],
        [Buffer.from('plain words, not a pdf'), 'application/pdf'],
      ];
      for (const [bytes, type] of wrong) {
        const r = await putFile(base, book.id, bytes, type, token, ip);
        expectFieldError(r, 422, 'file', `${type} with ${bytes.toString('latin1').slice(0, 20)}`);
      }
      expectProblem(await putFile(base, book.id, Buffer.from('hello'), 'text/plain', token, ip), 415, 'text/plain');
      expectProblem(await putFile(base, book.id, epub, 'application/octet-stream', token, ip), 415, 'octet-stream');
      // The refused uploads left the file alone.
      const still = expectStatus(await api(base, 'GET', `/api/v1/admin/books/${book.id}`, { token, ip }), 200);
      assert.equal(still.file.sha256, sha256Hex(epub2));

      // A PDF book takes a PDF.
      const pdfBook = await createBook(base, token, { title: `Printed ${m}`, format: 'pdf' }, ip);
      const pdf = pdfBytes(m);
      const upPdf = expectStatus(await putFile(base, pdfBook.id, pdf, 'application/pdf', token, ip), 200, 'PUT pdf');
      assert.equal(upPdf.file.sha256, sha256Hex(pdf));
      expectProblem(await putFile(base, 987654321012, pdf, 'application/pdf', token, ip), 404, 'file of an unknown book');

      const audit = await auditActions(base, book.id, ip);
      expectActions(audit, ['book.file_replaced'], 'file');
      assert.ok(audit.filter((e) => e.action === 'book.file_replaced').length >= 2, 'one audit row per upload');
      // The file as the contract has it: size, sha256, uploaded_at (the storage key is the service's own).
      assert.deepEqual(Object.keys(up.file).sort(), ['sha256', 'size', 'uploaded_at'], `file: ${JSON.stringify(up.file)}`);
    });

    it('a book file larger than the JSON body limit uploads (up to the upload limit)', async () => {
      const ip = addresses.next();
      const m = marker();
      const token = staff.inventory.token;
      const book = await createBook(base, token, { title: `Thick ${m}`, format: 'epub' }, ip);
      const maxBody = Number(process.env.BOOKSTORE_TEST_MAX_BODY_BYTES ?? 1048576);
      const big = epubBytes(m, Math.floor(maxBody * 1.5));
      assert.ok(big.length > maxBody);
      const up = expectStatus(await putFile(base, book.id, big, 'application/epub+zip', token, ip), 200, `PUT ${big.length} bytes`);
      assert.equal(up.file.size, big.length);
      assert.equal(up.file.sha256, sha256Hex(big));
      // JSON bodies keep the small limit.
      const huge = bookInput({ title: `Huge ${m}`, description: 'x'.repeat(maxBody + 10) });
      const res = await api(base, 'POST', '/api/v1/admin/books', { body: huge, token, ip });
      assert.equal(res.status, 413, `a JSON body over the limit -> ${res.status}`);
      assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
    });

    it('odd ids and bodies never cause a server error', async () => {
      const ip = addresses.next();
      const token = staff.admin.token;
      for (const id of ["1'%20OR%201=1", '-1', '0', '99999999999999999999999', 'abc', '1.5', '%27', '%2F', '1%20']) {
        for (const [method, path] of [
          ['GET', `/api/v1/books/${id}`],
          ['GET', `/api/v1/admin/books/${id}`],
          ['PATCH', `/api/v1/admin/books/${id}`],
          ['DELETE', `/api/v1/admin/books/${id}`],
        ]) {
          const res = await api(base, method, path, { token, ip, body: method === 'PATCH' ? { title: 'x' } : undefined });
          assertNoServerError(res, `${method} ${path}`);
          assert.ok([400, 404, 422].includes(res.status), `${method} ${path} -> ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
      for (const body of ['{', '[]', '"text"', 'null', '{"isbn": {"$gt": ""}}']) {
        const res = await api(base, 'POST', '/api/v1/admin/books', { body, token, ip });
        assertNoServerError(res, `POST ${body}`);
        assert.ok([400, 422].includes(res.status), `POST ${body} -> ${res.status}`);
      }
      expect2xx(await api(base, 'GET', '/api/v1/genres', { ip }));
    });

    it('a NUL byte (%00) in the path is a clean 4xx problem, not a 500', async () => {
      const ip = addresses.next();
      for (const path of ['/api/v1/books/%00', '/api/v1/books/1%00']) {
        const res = await api(base, 'GET', path, { ip });
        assertNoServerError(res, `GET ${path}`);
        assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/, `GET ${path}: ${res.text.slice(0, 200)}`);
      }
    });
  });
}
