// Catalog filters, facets, sorts and pages (PRODUCT.md 3 "Filters and facets"): every filter narrows
// to exactly the right books; facet counts are right and agree with the filters (for every facet value
// with count c, the same search with that value as a filter has total c); each sort orders correctly and
// its cursor pages return every match exactly once, also while matching books are being added between
// page requests; a malformed, tampered or foreign cursor is a 400 naming `cursor`. Through nginx and
// directly. Every test makes its own books and narrows every search with its own marker word or author.
// Source addresses 127.0.0.246..250.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { targets } from './lib.mjs';
import { addressPool } from './identity-lib.mjs';
import {
  expectProblem,
  fieldsOf,
  marker,
  authorName,
  catalogAdmin,
  createBooks,
  search,
  searchRes,
  searchIds,
  sortedIds,
  idsOf,
  allSearchPages,
} from './catalog-lib.mjs';

const addresses = addressPool(246, 250);

let admin;
before(async () => {
  admin = await catalogAdmin(addresses);
});

const SORTS = ['relevance', 'price_asc', 'price_desc', 'rating', 'newest', 'bestselling'];
const FACET_GROUPS = ['genre', 'author', 'language', 'format', 'in_stock', 'rating', 'price', 'year'];

// The filter parameters that select one facet value.
function filterFor(group, v) {
  switch (group) {
    case 'genre':
      return { genre: v.value };
    case 'author':
      return { author: v.value };
    case 'language':
      return { language: v.value };
    case 'format':
      return { format: v.value };
    case 'in_stock':
      return { in_stock: v.value };
    case 'rating':
      return { rating_min: v.value };
    case 'price':
      return v.max === null || v.max === undefined ? { price_min: v.min } : { price_min: v.min, price_max: v.max };
    case 'year':
      return {
        ...(v.min === null || v.min === undefined ? {} : { year_min: v.min }),
        ...(v.max === null || v.max === undefined ? {} : { year_max: v.max }),
      };
    default:
      throw new Error(`unknown facet group ${group}`);
  }
}

// Adds a filter to search parameters as an intersection: genre and author lists grow (books having all
// of them), ranges narrow; null when the result is empty by construction (another language, say).
function withFilter(params, extra) {
  const out = { ...params };
  for (const [k, v] of Object.entries(extra)) {
    if (out[k] === undefined) {
      out[k] = v;
    } else if (k === 'genre' || k === 'author') {
      const list = String(out[k]).split(',');
      if (!list.includes(String(v))) out[k] = [...list, v].join(',');
    } else if (k === 'price_min' || k === 'year_min' || k === 'rating_min') {
      out[k] = Math.max(Number(out[k]), Number(v));
    } else if (k === 'price_max' || k === 'year_max') {
      out[k] = Math.min(Number(out[k]), Number(v));
    } else if (String(out[k]) !== String(v)) {
      return null;
    }
  }
  for (const [lo, hi] of [['price_min', 'price_max'], ['year_min', 'year_max']]) {
    if (out[lo] !== undefined && out[hi] !== undefined && Number(out[lo]) > Number(out[hi])) return null;
  }
  return out;
}

// Whether a locally known book (the creation input plus its JSON) has a facet value.
function bookHas(group, v, book) {
  switch (group) {
    case 'genre':
      return book.genres.some((g) => g.slug === v.value);
    case 'author':
      return book.authors.some((a) => String(a.id) === String(v.value));
    case 'language':
      return book.language === v.value;
    case 'format':
      return book.format === v.value;
    case 'in_stock':
      return String(book.in_stock) === v.value;
    case 'rating':
      return book.rating.average >= Number(v.value);
    case 'price':
      return book.price_minor >= v.min && (v.max === null || v.max === undefined || book.price_minor <= v.max);
    case 'year':
      return (
        book.publication_year !== null &&
        (v.min === null || v.min === undefined || book.publication_year >= v.min) &&
        (v.max === null || v.max === undefined || book.publication_year <= v.max)
      );
    default:
      return false;
  }
}

// Checks the facets of `params` against the filters and, where `books` (every match, as created) is
// given, against the books themselves.
async function checkFacets(base, params, ip, books) {
  const body = await search(base, { ...params, limit: 100, facets: 'true' }, ip);
  assert.ok(body.facets && typeof body.facets === 'object', `no facets: ${JSON.stringify(body).slice(0, 300)}`);
  assert.equal(body.facets_exact, true, 'facets of a small result are not exact');
  assert.equal(body.total_exact, true);
  assert.equal(body.total, body.items.length, 'total differs from the matches');
  if (books) assert.deepEqual(sortedIds(body.items), sortedIds(books), `matches of ${JSON.stringify(params)}`);
  for (const group of FACET_GROUPS) assert.ok(Array.isArray(body.facets[group]), `facet group ${group} missing: ${JSON.stringify(body.facets)}`);
  let checked = 0;
  const failures = []; // every disagreement, not only the first
  for (const [group, values] of Object.entries(body.facets)) {
    assert.ok(FACET_GROUPS.includes(group), `unexpected facet group ${group}`);
    for (const v of values) {
      assert.equal(typeof v.count, 'number', `${group} ${JSON.stringify(v)}`);
      assert.equal(typeof v.value, 'string', `${group} value is not a string: ${JSON.stringify(v)}`);
      if (group === 'genre' || group === 'author') assert.equal(typeof v.label, 'string', `${group} without label: ${JSON.stringify(v)}`);
      if (group === 'price' || group === 'year') assert.equal(typeof v.min, 'number', `${group} without min: ${JSON.stringify(v)}`);
      const filtered = withFilter(params, filterFor(group, v));
      checked++;
      if (filtered === null) {
        if (v.count !== 0) failures.push(`facet ${group}=${v.value} counts ${v.count} books outside the current filters`);
        continue;
      }
      // The total comes with the facets.
      const sub = await search(base, { ...filtered, limit: 100 }, ip);
      if (sub.total !== v.count || sub.items.length !== v.count) {
        failures.push(`facet ${group}=${v.value} says ${v.count}, the filter ${JSON.stringify(filtered)} finds ${sub.total} (${sub.items.length} items)`);
      }
      if (books) {
        const expected = books.filter((b) => bookHas(group, v, b));
        if (v.count !== expected.length) failures.push(`facet ${group}=${v.value} says ${v.count}, the books of the test: ${expected.length}`);
        if (JSON.stringify(sortedIds(sub.items)) !== JSON.stringify(sortedIds(expected))) {
          failures.push(`filter ${JSON.stringify(filtered)} finds ${JSON.stringify(sortedIds(sub.items))}, expected ${JSON.stringify(sortedIds(expected))}`);
        }
      }
    }
  }
  assert.ok(failures.length === 0, `facets of ${JSON.stringify(params)}:\n${failures.join('\n')}`);
  return { body, checked };
}

for (const [name, base] of targets) {
  describe(`catalog browse ${name}`, () => {
    // A small catalog of this run: one shared author, some second authors, genres, languages, formats,
    // prices on bucket edges, years, stock.
    let m;
    let shared;
    let books;
    const spec = [
      { genres: ['fantasy'], language: 'en', format: 'epub', price_minor: 5000, publication_year: 1995, stock: null },
      { genres: ['fantasy', 'mystery'], language: 'en', format: 'pdf', price_minor: 15000, publication_year: 2005, stock: 0, second: 0 },
      { genres: ['mystery'], language: 'fr', format: 'epub', price_minor: 30000, publication_year: 2015, stock: 3 },
      { genres: ['science-fiction'], language: 'de', format: 'epub', price_minor: 60000, publication_year: 2021, stock: null, second: 0 },
      { genres: ['fantasy', 'science-fiction'], language: 'en', format: 'pdf', price_minor: 99900, publication_year: 2011, stock: 0 },
      { genres: [], language: 'fr', format: 'epub', price_minor: 100, publication_year: null, stock: null, second: 1 },
      { genres: ['mystery'], language: 'en', format: 'epub', price_minor: 250000, publication_year: 1870, stock: 1 },
      { genres: ['fantasy'], language: 'en', format: 'epub', price_minor: 24999, publication_year: 2019, stock: null },
      { genres: ['fantasy'], language: 'en', format: 'epub', price_minor: 10000, publication_year: 2010, stock: null },
    ];
    let ready; // made by the first test that needs it (after the file's before())
    async function catalog(ip) {
      ready ??= (async () => {
        m = marker();
        shared = authorName('Shared');
        const seconds = [authorName('Second'), authorName('Third')];
        books = await createBooks(
          base,
          admin.token,
          spec.map((s, i) => {
            const { second, ...fields } = s;
            return {
              ...fields,
              title: `Browse ${i} ${m}`,
              description: `Book number ${i} of ${m}.`,
              authors: second === undefined ? [shared] : [shared, seconds[second]],
            };
          }),
          ip,
        );
      })();
      await ready;
      return books;
    }

    it('each filter selects exactly the right books', async () => {
      const ip = addresses.next();
      const all = await catalog(ip);
      const pick = (...idx) => sortedIds(idx.map((i) => all[i]));
      const q = m;
      assert.deepEqual(await searchIds(base, { q }, ip), sortedIds(all));
      assert.deepEqual(await searchIds(base, { q, genre: 'fantasy' }, ip), pick(0, 1, 4, 7, 8));
      assert.deepEqual(await searchIds(base, { q, genre: 'fantasy,mystery' }, ip), pick(1), 'several genres: books having all');
      assert.deepEqual(await searchIds(base, { q, genre: 'mystery,fantasy' }, ip), pick(1));
      assert.deepEqual(await searchIds(base, { q, genre: 'science-fiction' }, ip), pick(3, 4));
      assert.deepEqual(await searchIds(base, { q, language: 'fr' }, ip), pick(2, 5));
      assert.deepEqual(await searchIds(base, { q, format: 'pdf' }, ip), pick(1, 4));
      assert.deepEqual(await searchIds(base, { q, in_stock: 'true' }, ip), pick(0, 2, 3, 5, 6, 7, 8));
      assert.deepEqual(await searchIds(base, { q, price_min: 10000, price_max: 30000 }, ip), pick(1, 2, 7, 8), 'price bounds are inclusive');
      assert.deepEqual(await searchIds(base, { q, price_min: 24999, price_max: 24999 }, ip), pick(7));
      assert.deepEqual(await searchIds(base, { q, price_max: 5000 }, ip), pick(0, 5));
      assert.deepEqual(await searchIds(base, { q, price_min: 99900 }, ip), pick(4, 6));
      assert.deepEqual(await searchIds(base, { q, year_min: 2005, year_max: 2015 }, ip), pick(1, 2, 4, 8), 'year bounds are inclusive');
      assert.deepEqual(await searchIds(base, { q, year_max: 1900 }, ip), pick(6));
      assert.deepEqual(await searchIds(base, { q, year_min: 2020 }, ip), pick(3));
      assert.deepEqual(await searchIds(base, { q, rating_min: 0 }, ip), sortedIds(all));
      assert.deepEqual(await searchIds(base, { q, rating_min: 1 }, ip), [], 'unrated books pass rating_min=1');
      const sharedId = all[0].authors[0].id;
      const secondId = all[1].authors[1].id;
      assert.deepEqual(await searchIds(base, { author: sharedId }, ip), sortedIds(all), 'author filter without q');
      assert.deepEqual(await searchIds(base, { q, author: secondId }, ip), pick(1, 3));
      assert.deepEqual(await searchIds(base, { q, author: `${sharedId},${secondId}` }, ip), pick(1, 3), 'several authors: books having all');
      assert.deepEqual(await searchIds(base, { author: `${secondId},${all[5].authors[1].id}` }, ip), []);
      // Combined.
      assert.deepEqual(await searchIds(base, { q, genre: 'fantasy', language: 'en', format: 'epub', in_stock: 'true', price_max: 20000 }, ip), pick(0, 8));
      // An unknown genre slug of the right form finds nothing (or is refused).
      const unknownGenre = await searchRes(base, { q, genre: `nosuch-${m}` }, ip);
      assert.ok([200, 422].includes(unknownGenre.status), `unknown genre -> ${unknownGenre.status}`);
      if (unknownGenre.status === 200) assert.deepEqual(unknownGenre.json.items, []);
      else assert.ok(fieldsOf(unknownGenre.json).includes('genre'));
    });

    it('facet counts are right and each agrees with its filter (with q, with a filter, without q)', async () => {
      const ip = addresses.next();
      const all = await catalog(ip);
      const { body, checked } = await checkFacets(base, { q: m }, ip, all);
      assert.ok(checked >= 15, `only ${checked} facet values`);
      // The values this catalog must show.
      const values = (group) => body.facets[group].filter((v) => v.count > 0).map((v) => v.value).sort();
      assert.deepEqual(values('genre'), ['fantasy', 'mystery', 'science-fiction']);
      assert.deepEqual(values('language'), ['de', 'en', 'fr']);
      assert.deepEqual(values('format'), ['epub', 'pdf']);
      assert.deepEqual(
        values('author'),
        [...new Set(all.flatMap((b) => b.authors.map((a) => String(a.id))))].sort(),
      );
      const inStock = body.facets.in_stock.find((v) => v.value === 'true');
      assert.equal(inStock?.count, 7);
      const fantasy = body.facets.genre.find((v) => v.value === 'fantasy');
      assert.equal(fantasy.label, 'Fantasy');
      // Price buckets: the last has no upper bound; buckets do not overlap.
      const prices = body.facets.price;
      const sortedBuckets = [...prices].sort((a, b) => a.min - b.min);
      for (let i = 1; i < sortedBuckets.length; i++) {
        assert.ok(sortedBuckets[i - 1].max !== null && sortedBuckets[i - 1].max < sortedBuckets[i].min, `price buckets overlap: ${JSON.stringify(prices)}`);
      }
      assert.equal(
        prices.reduce((n, v) => n + v.count, 0),
        all.length,
        `price buckets do not cover every book: ${JSON.stringify(prices)}`,
      );
      // Rating is cumulative (>= value), 4 >= 3 >= 2 >= 1 in count.
      const rating = Object.fromEntries(body.facets.rating.map((v) => [v.value, v.count]));
      for (const [hi, lo] of [['4', '3'], ['3', '2'], ['2', '1']]) {
        if (hi in rating && lo in rating) assert.ok(rating[hi] <= rating[lo], `rating facet not cumulative: ${JSON.stringify(rating)}`);
      }

      // With a filter already applied: counts of the filtered search.
      await checkFacets(base, { q: m, genre: 'fantasy' }, ip, all.filter((b) => b.genres.some((g) => g.slug === 'fantasy')));
      await checkFacets(base, { q: m, in_stock: 'true', price_min: 10000 }, ip, all.filter((b) => b.in_stock && b.price_minor >= 10000));
      // Without q (the author isolates this run).
      await checkFacets(base, { author: all[0].authors[0].id }, ip, all);

      // No facets on request, nor on a cursor page.
      const noFacets = await search(base, { q: m, facets: 'false' }, ip);
      assert.equal(noFacets.facets, null);
      const first = await search(base, { q: m, limit: 2 }, ip);
      assert.ok(first.next_cursor);
      const second = await search(base, { q: m, limit: 2, cursor: first.next_cursor }, ip);
      assert.equal(second.facets, null, 'facets on a cursor page');
      // A cursor page repeats the total or leaves it null; it never says something else.
      assert.ok(second.total === null || second.total === all.length, `total on the second page: ${second.total}`);
    });

    it('each sort orders correctly and its pages return every match once; defaults: relevance with q, newest without', async () => {
      const ip = addresses.next();
      const pm = marker();
      const author = authorName('Pager');
      const made = await createBooks(
        base,
        admin.token,
        Array.from({ length: 25 }, (_, i) => ({
          // The marker in some titles, in every description: relevance has ties and differences.
          title: i % 3 === 0 ? `Pages ${i} ${pm}` : `Pages ${i}`,
          description: i % 2 === 0 ? `${pm} ${pm} number ${i}` : `number ${i} of ${pm}`,
          price_minor: 1000 + ((i * 7919) % 25) * 100 + i, // distinct, not in creation order
          publication_year: i % 6 === 0 ? null : 2000 + (i % 4), // ties and nulls
          authors: [author],
          format: i % 2 ? 'pdf' : 'epub',
        })),
        ip,
      );
      const want = sortedIds(made);
      const orders = {};
      for (const sort of SORTS) {
        const { items, pages, first } = await allSearchPages(base, { q: pm, sort, limit: 4 }, ip);
        assert.equal(pages, 7, `${sort}: ${pages} pages of 4 for 25 books`);
        assert.equal(first.total, 25);
        assert.deepEqual(sortedIds(items), want, `${sort}: the pages are not the whole result`);
        checkOrder(sort, items);
        orders[sort] = idsOf(items);
        // One page of 100 gives the same order.
        const whole = await search(base, { q: pm, sort, limit: 100 }, ip);
        assert.deepEqual(idsOf(whole.items), orders[sort], `${sort}: pages of 4 and one page of 100 differ`);
      }
      assert.deepEqual(idsOf((await search(base, { q: pm, limit: 100 }, ip)).items), orders.relevance, 'default sort with q');
      // Without q, isolated by the author.
      for (const sort of ['newest', 'price_asc', 'price_desc', 'bestselling', 'rating']) {
        const { items } = await allSearchPages(base, { author: made[0].authors[0].id, sort, limit: 4 }, ip);
        assert.deepEqual(sortedIds(items), want, `${sort} without q`);
        checkOrder(sort, items);
      }
      const newestNoQ = await allSearchPages(base, { author: made[0].authors[0].id, limit: 4 }, ip);
      const newestExplicit = await allSearchPages(base, { author: made[0].authors[0].id, sort: 'newest', limit: 4 }, ip);
      assert.deepEqual(idsOf(newestNoQ.items), idsOf(newestExplicit.items), 'default sort without q');
      // Filter + sort + pages.
      const pdf = await allSearchPages(base, { q: pm, format: 'pdf', sort: 'price_desc', limit: 3 }, ip);
      assert.deepEqual(sortedIds(pdf.items), sortedIds(made.filter((b) => b.format === 'pdf')));
      checkOrder('price_desc', pdf.items);
    });

    it('pages stay exact while matching books are added between page requests', async () => {
      const ip = addresses.next();
      const pm = marker();
      const author = authorName('Growing');
      const input = (i) => ({
        title: i % 4 === 0 ? `Growing ${i} ${pm}` : `Growing ${i}`,
        description: `${pm} item ${i}`,
        price_minor: 500 + Math.floor(Math.random() * 100000),
        publication_year: i % 5 === 0 ? null : 1990 + Math.floor(Math.random() * 30),
        authors: [author],
      });
      const existing = await createBooks(base, admin.token, Array.from({ length: 25 }, (_, i) => input(i)), ip);
      let n = 25;
      for (const sort of SORTS) {
        for (const params of [{ q: pm, sort, limit: 4 }, ...(sort === 'relevance' ? [] : [{ author: existing[0].authors[0].id, sort, limit: 4 }])]) {
          const before = sortedIds(existing);
          const added = [];
          const { items } = await allSearchPages(base, params, ip, {
            between: async (page) => {
              // Two new matching books before each of the next three pages (random prices and years:
              // some sort before the cursor, some after it).
              if (page >= 3) return;
              const fresh = await createBooks(base, admin.token, [input(n++), input(n++)], ip);
              added.push(...fresh);
            },
          });
          const got = idsOf(items);
          const gotSet = new Set(got);
          assert.equal(gotSet.size, got.length, `${JSON.stringify(params)}: a book came twice`);
          for (const id of before) assert.ok(gotSet.has(id), `${JSON.stringify(params)}: book ${id}, there from the start, was skipped`);
          const allowed = new Set([...before, ...idsOf(added)]);
          for (const id of got) assert.ok(allowed.has(id), `${JSON.stringify(params)}: a foreign book ${id}`);
          existing.push(...added);
        }
      }
    });

    it('a malformed, tampered or foreign cursor is a 400 naming cursor', async () => {
      const ip = addresses.next();
      await catalog(ip);
      const params = { q: m, sort: 'price_asc', limit: 2 };
      const first = await search(base, params, ip);
      const cursor = first.next_cursor;
      assert.equal(typeof cursor, 'string');
      // The honest cursor works.
      const second = await search(base, { ...params, cursor }, ip);
      assert.equal(second.items.length, 2);
      assert.ok(!idsOf(second.items).some((id) => idsOf(first.items).includes(id)));

      const expect400 = async (p, what) => {
        const res = await searchRes(base, p, ip);
        const problem = expectProblem(res, 400, what);
        assert.ok(fieldsOf(problem).includes('cursor'), `${what}: errors[] do not name cursor: ${res.text}`);
      };
      const mid = Math.floor(cursor.length / 2);
      const flip = (s, i) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
      await expect400({ ...params, cursor: flip(cursor, mid) }, 'one character changed in the middle');
      await expect400({ ...params, cursor: flip(cursor, 2) }, 'one character changed at the start');
      await expect400({ ...params, cursor: cursor.slice(0, -3) }, 'truncated');
      await expect400({ ...params, cursor: cursor + 'AAAA' }, 'extended');
      await expect400({ ...params, cursor: 'not a cursor' }, 'garbage');
      await expect400({ ...params, cursor: '' + Buffer.from('{"id":1}').toString('base64url') }, 'home-made');
      // A cursor whose content decodes is re-encoded with another position: the service must notice.
      for (const enc of ['base64url', 'base64']) {
        let decoded;
        try {
          decoded = Buffer.from(cursor, enc).toString('utf8');
        } catch {
          continue;
        }
        const changed = decoded.replace(/\d/, (d) => String((Number(d) + 1) % 10));
        if (changed !== decoded && /^[\x20-\x7e]+$/.test(decoded)) {
          await expect400({ ...params, cursor: Buffer.from(changed, 'utf8').toString(enc) }, `re-encoded ${enc} cursor with a changed digit`);
        }
      }
      // Foreign: the cursor of this search with another q, sort or filter.
      await expect400({ ...params, q: `${m} other`, cursor }, 'another q');
      await expect400({ ...params, sort: 'price_desc', cursor }, 'another sort');
      await expect400({ ...params, genre: 'fantasy', cursor }, 'another filter');
      await expect400({ ...params, price_min: 1, cursor }, 'another price filter');
      const { q: _q, ...noQ } = params;
      await expect400({ ...noQ, cursor }, 'without q');
    });
  });
}

// Asserts the order of `items` for `sort` (ties are allowed; equal keys may come in any stable order).
function checkOrder(sort, items) {
  const pairs = items.slice(1).map((b, i) => [items[i], b]);
  for (const [a, b] of pairs) {
    const msg = `${sort}: ${JSON.stringify(pick(a))} before ${JSON.stringify(pick(b))}`;
    switch (sort) {
      case 'price_asc':
        assert.ok(a.price_minor <= b.price_minor, msg);
        break;
      case 'price_desc':
        assert.ok(a.price_minor >= b.price_minor, msg);
        break;
      case 'rating':
        assert.ok(a.rating.average >= b.rating.average, msg);
        break;
      case 'bestselling':
        assert.ok(a.sales_count >= b.sales_count, msg);
        break;
      case 'newest': {
        // Newest publication first, books without a year last.
        const ya = a.publication_year ?? -Infinity;
        const yb = b.publication_year ?? -Infinity;
        assert.ok(ya >= yb, msg);
        break;
      }
      default:
        break;
    }
  }
}

function pick(b) {
  return { id: b.id, price_minor: b.price_minor, year: b.publication_year, rating: b.rating?.average, sales: b.sales_count };
}
