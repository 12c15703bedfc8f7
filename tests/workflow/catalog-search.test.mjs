// Catalog search (PRODUCT.md 3 "Search"): English stemming, "exact phrases", -exclusions, `or`, accent
// folding, typo tolerance with a corrected query, synonyms, author names, weighted relevance, HTML-safe
// highlights, type-ahead suggestions, authors and genres; SQL and tsquery metacharacters in every
// parameter are text (200 or a clean 422, never 500, and the catalog is still there); every invalid
// parameter is a 422 naming it. Through nginx and directly.
//
// Every test makes its own books and narrows every search with its own marker word (catalog-lib.mjs).
// Source addresses 127.0.0.240..245.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { targets } from './lib.mjs';
import { addressPool, expectFieldError } from './identity-lib.mjs';
import {
  api,
  expectStatus,
  expectProblem,
  fieldsOf,
  sameId,
  marker,
  randomLetters,
  catalogAdmin,
  createBook,
  createBooks,
  search,
  searchRes,
  searchIds,
  sortedIds,
  idsOf,
  queryString,
} from './catalog-lib.mjs';

const addresses = addressPool(240, 245);

let admin;
before(async () => {
  admin = await catalogAdmin(addresses);
});

const ids = (...books) => books.map((b) => String(b.id)).sort();

for (const [name, base] of targets) {
  describe(`catalog search ${name}`, () => {
    it('stemming: `running` finds `run` and `run` finds `running`', async () => {
      const ip = addresses.next();
      const m = marker();
      const [runs, running, walks] = await createBooks(
        base,
        admin.token,
        [
          { title: `Morning Habits ${m}`, description: `Every morning they run along the river. ${m}` },
          { title: `Late Again ${m}`, description: `She was running late for the train. ${m}` },
          { title: `Slow Days ${m}`, description: `He walks slowly to work. ${m}` },
        ],
        ip,
      );
      assert.deepEqual(await searchIds(base, { q: `running ${m}` }, ip), ids(runs, running));
      assert.deepEqual(await searchIds(base, { q: `run ${m}` }, ip), ids(runs, running));
      assert.deepEqual(await searchIds(base, { q: `runs ${m}` }, ip), ids(runs, running));
      assert.deepEqual(await searchIds(base, { q: m }, ip), ids(runs, running, walks));
      // Stop words alone do not narrow anything away.
      assert.deepEqual(await searchIds(base, { q: `the ${m}` }, ip), ids(runs, running, walks));
      const plain = await search(base, { q: m }, ip);
      assert.equal(plain.corrected_query, null, 'a query that matches as typed was corrected');
      assert.equal(plain.total, 3);
      assert.equal(plain.total_exact, true);
    });

    it('"exact phrase" needs the words in order; the same words apart match without quotes', async () => {
      const ip = addresses.next();
      const m = marker();
      const [together, apart] = await createBooks(
        base,
        admin.token,
        [
          { title: `Fox Tales ${m}`, description: `The quick brown fox jumps over the dog. ${m}` },
          { title: `Fox Facts ${m}`, description: `Brown is the colour of the fox, which is quick. ${m}` },
        ],
        ip,
      );
      assert.deepEqual(await searchIds(base, { q: `"quick brown fox" ${m}` }, ip), ids(together));
      assert.deepEqual(await searchIds(base, { q: `${m} "quick brown fox"` }, ip), ids(together));
      assert.deepEqual(await searchIds(base, { q: `quick brown fox ${m}` }, ip), ids(together, apart));
      assert.deepEqual(await searchIds(base, { q: `"fox quick brown" ${m}` }, ip), [], 'a phrase out of order matched');
    });

    it('-word and -"phrase" exclude; a query of exclusions only is not an error', async () => {
      const ip = addresses.next();
      const m = marker();
      const [castle, spaceship] = await createBooks(
        base,
        admin.token,
        [
          { title: `Keep ${m}`, description: `A dragon guards the castle. ${m}` },
          { title: `Void ${m}`, description: `A dragon spaceship drifts. ${m}` },
        ],
        ip,
      );
      assert.deepEqual(await searchIds(base, { q: `dragon -spaceship ${m}` }, ip), ids(castle));
      assert.deepEqual(await searchIds(base, { q: `${m} -castle` }, ip), ids(spaceship));
      assert.deepEqual(await searchIds(base, { q: `${m} -"dragon spaceship"` }, ip), ids(castle));
      assert.deepEqual(await searchIds(base, { q: `${m} -dragon` }, ip), []);
      // Excluding the stem excludes the inflected word too.
      assert.deepEqual(await searchIds(base, { q: `${m} -spaceships` }, ip), ids(castle));
      const onlyExclusions = await searchRes(base, { q: `-${randomLetters(10)} -${randomLetters(10)}`, limit: 1 }, ip);
      assert.ok([200, 422].includes(onlyExclusions.status), `exclusions only -> ${onlyExclusions.status} ${onlyExclusions.text.slice(0, 200)}`);
    });

    it('`or` makes alternatives', async () => {
      const ip = addresses.next();
      const m = marker();
      const [wizard, pirate, cowboy] = await createBooks(
        base,
        admin.token,
        [
          { title: `Tale One ${m}`, description: `A wizard tale. ${m}` },
          { title: `Tale Two ${m}`, description: `A pirate tale. ${m}` },
          { title: `Tale Three ${m}`, description: `A cowboy tale. ${m}` },
        ],
        ip,
      );
      assert.deepEqual(await searchIds(base, { q: `wizard or pirate ${m}` }, ip), ids(wizard, pirate));
      assert.deepEqual(await searchIds(base, { q: `${m} wizard or pirate or cowboy` }, ip), ids(wizard, pirate, cowboy));
      assert.deepEqual(await searchIds(base, { q: `${m} wizard pirate` }, ip), [], 'without `or` the words are ANDed');
      assert.deepEqual(await searchIds(base, { q: `${m} "wizard tale" or cowboy` }, ip), ids(wizard, cowboy));
    });

    it('accents fold: `garcia` finds García, `García` finds Garcia, in titles and author names', async () => {
      const ip = addresses.next();
      const m = marker();
      const [accented, plain, byAuthor] = await createBooks(
        base,
        admin.token,
        [
          { title: `La casa de García ${m}`, description: m },
          { title: `Garcia and the Sea ${m}`, description: m },
          { title: `Crónica ${m}`, description: m, authors: ['Gabriel García Márquez'] },
        ],
        ip,
      );
      assert.deepEqual(await searchIds(base, { q: `garcia ${m}` }, ip), ids(accented, plain, byAuthor));
      assert.deepEqual(await searchIds(base, { q: `García ${m}` }, ip), ids(accented, plain, byAuthor));
      assert.deepEqual(await searchIds(base, { q: `GARCÍA ${m}` }, ip), ids(accented, plain, byAuthor));
      assert.deepEqual(await searchIds(base, { q: `marquez cronica ${m}` }, ip), ids(byAuthor));
    });

    it('typos: `hary poter` finds Harry Potter and says what it searched for', async () => {
      const ip = addresses.next();
      const m = marker();
      const [harry, other] = await createBooks(
        base,
        admin.token,
        [
          { title: `Harry Potter and the ${m} Stone`, description: `A boy learns magic. ${m}`, authors: ['J. K. Rowling'] },
          { title: `Gardening for Beginners ${m}`, description: `Soil and seeds. ${m}` },
        ],
        ip,
      );
      const typo = await search(base, { q: `hary poter ${m}` }, ip);
      assert.deepEqual(sortedIds(typo.items), ids(harry), `hary poter: ${JSON.stringify(typo.items.map((b) => b.title))}`);
      assert.equal(typeof typo.corrected_query, 'string', `corrected_query: ${typo.corrected_query}`);
      assert.match(typo.corrected_query, /harry potter/i);
      assert.ok(typo.corrected_query.includes(m), `the marker was lost from the corrected query: ${typo.corrected_query}`);
      const right = await search(base, { q: `harry potter ${m}` }, ip);
      assert.deepEqual(sortedIds(right.items), ids(harry));
      assert.equal(right.corrected_query, null);
      // One typo among right words; and a misspelt author.
      assert.deepEqual(await searchIds(base, { q: `harry poter ${m}` }, ip), ids(harry));
      assert.deepEqual(await searchIds(base, { q: `rowlng ${m}` }, ip), ids(harry));
      assert.ok(other);
    });

    it('synonyms: `sci-fi` finds "science fiction" and the reverse', async () => {
      const ip = addresses.next();
      const m = marker();
      const [longForm, shortForm] = await createBooks(
        base,
        admin.token,
        [
          { title: `Star Drift ${m}`, description: `A landmark of science fiction. ${m}` },
          { title: `Moon Dust ${m}`, description: `The best sci-fi of the decade. ${m}` },
          { title: `Bread ${m}`, description: `Flour, water and patience. ${m}` },
        ],
        ip,
      );
      assert.deepEqual(await searchIds(base, { q: `sci-fi ${m}` }, ip), ids(longForm, shortForm));
      assert.deepEqual(await searchIds(base, { q: `science fiction ${m}` }, ip), ids(longForm, shortForm));
      assert.deepEqual(await searchIds(base, { q: `scifi ${m}` }, ip), ids(longForm, shortForm));
    });

    it('author names are searched; the title weighs more than the description', async () => {
      const ip = addresses.next();
      const m = marker();
      const [byQuill, other, inTitle, inDescription] = await createBooks(
        base,
        admin.token,
        [
          { title: `Letters ${m}`, description: `Correspondence. ${m}`, authors: ['Cornelius Quillfeather'] },
          { title: `Numbers ${m}`, description: `Arithmetic. ${m}`, authors: ['Another Writer'] },
          { title: `The Lighthouse ${m}`, description: `A story of the sea. ${m}` },
          { title: `The Coast ${m}`, description: `A long walk to the lighthouse and back, with a lighthouse keeper. ${m}` },
        ],
        ip,
        1,
      );
      assert.deepEqual(await searchIds(base, { q: `quillfeather ${m}` }, ip), ids(byQuill));
      assert.deepEqual(await searchIds(base, { q: `cornelius quillfeather ${m}` }, ip), ids(byQuill));
      assert.ok(other);
      const ranked = await search(base, { q: `lighthouse ${m}`, sort: 'relevance' }, ip);
      assert.deepEqual(idsOf(ranked.items), [String(inTitle.id), String(inDescription.id)], 'title match is not ranked first');
      // Relevance is the default with q.
      const byDefault = await search(base, { q: `lighthouse ${m}` }, ip);
      assert.deepEqual(idsOf(byDefault.items), idsOf(ranked.items));
    });

    it('highlights are HTML-escaped with <mark> around the matched words', async () => {
      const ip = addresses.next();
      const m = marker();
      const book = await createBook(
        base,
        admin.token,
        {
          title: `Tom & Jerry <b>Dragon</b> ${m}`,
          description: `Long before the <script>alert(1)</script> dragon woke, the village slept. ${m}`,
        },
        ip,
      );
      const body = await search(base, { q: `dragon ${m}` }, ip);
      assert.deepEqual(idsOf(body.items), [String(book.id)]);
      const { highlight } = body.items[0];
      assert.equal(typeof highlight?.title, 'string', JSON.stringify(highlight));
      assert.equal(typeof highlight?.snippet, 'string', JSON.stringify(highlight));
      assert.match(highlight.title, /<mark>dragon<\/mark>/i, `title highlight: ${highlight.title}`);
      assert.match(highlight.title, /&amp;/, `& not escaped: ${highlight.title}`);
      assert.match(highlight.title, /&lt;b&gt;/, `<b> not escaped: ${highlight.title}`);
      assert.match(highlight.snippet, /<mark>dragon<\/mark>/i, `snippet: ${highlight.snippet}`);
      for (const text of [highlight.title, highlight.snippet]) {
        const stripped = text.replace(/<\/?mark>/g, '');
        assert.ok(!/[<>]/.test(stripped), `markup other than <mark> in a highlight: ${text}`);
      }
      // The raw fields stay raw.
      assert.equal(body.items[0].title, `Tom & Jerry <b>Dragon</b> ${m}`);
    });

    it('suggest: books by the prefix of the last word (also of an inflected word), and authors', async () => {
      const ip = addresses.next();
      // A marker whose 9-letter prefix no stemmer shortens: it ends in "xq" and one more letter.
      const m = `zq${randomLetters(5)}xq${randomLetters(1)}`;
      const authorLast = 'Zq' + randomLetters(8);
      const [book, running] = await createBooks(
        base,
        admin.token,
        [
          { title: `Harry Potter and the ${m} Cup`, description: 'Tournament.', authors: [`Joanne ${authorLast}`] },
          { title: `Running Wild ${m}`, description: 'Outdoors.' },
        ],
        ip,
        1,
      );
      const sugg = async (params) => {
        const res = await api(base, 'GET', `/api/v1/books/suggest${queryString(params)}`, { ip });
        const body = expectStatus(res, 200, `suggest ${JSON.stringify(params)}`);
        assert.ok(Array.isArray(body.books) && Array.isArray(body.authors), res.text);
        return body;
      };
      const s1 = await sugg({ q: `${m} harry pot` });
      assert.deepEqual(idsOf(s1.books), [String(book.id)], JSON.stringify(s1));
      assert.equal(s1.books[0].title, book.title);
      assert.deepEqual(s1.books[0].authors, [`Joanne ${authorLast}`]);
      assert.ok('highlight' in s1.books[0]);
      const s2 = await sugg({ q: m.slice(0, 9) });
      assert.deepEqual(idsOf(s2.books).sort(), ids(book, running), `prefix of the marker ${m.slice(0, 9)}: ${JSON.stringify(s2)}`);
      // The prefix of a word whose stem is shorter than the prefix ("runni" of "Running", stem "run").
      for (const prefix of ['runni', 'runn', 'run']) {
        const s = await sugg({ q: `${m} ${prefix}` });
        assert.deepEqual(idsOf(s.books), [String(running.id)], `"${prefix}" does not suggest Running Wild: ${JSON.stringify(s)}`);
      }
      const s3 = await sugg({ q: authorLast.toLowerCase().slice(0, 8) });
      assert.ok(
        s3.authors.some((a) => sameId(a.id, book.authors[0].id) && a.name === `Joanne ${authorLast}`),
        `author not suggested: ${JSON.stringify(s3)}`,
      );
      const limited = await sugg({ q: 'har', limit: 2 });
      assert.ok(limited.books.length <= 2 && limited.authors.length <= 2, JSON.stringify(limited));

      expectFieldError(await api(base, 'GET', '/api/v1/books/suggest', { ip }), 422, 'q', 'suggest without q');
      for (const limit of ['0', '11', 'x']) {
        expectFieldError(await api(base, 'GET', `/api/v1/books/suggest?q=har&limit=${limit}`, { ip }), 422, 'limit', `suggest limit=${limit}`);
      }
    });

    it('authors: detail with live books only, typo-tolerant author search; genres list with counts', async () => {
      const ip = addresses.next();
      const m = marker();
      const last = 'Zq' + randomLetters(8);
      const authorFull = `Gabriel García ${last}`;
      const [b1, b2] = await createBooks(
        base,
        admin.token,
        [
          { title: `First ${m}`, authors: [authorFull], genres: ['fantasy'] },
          { title: `Second ${m}`, authors: [authorFull] },
        ],
        ip,
        1,
      );
      const authorId = b1.authors[0].id;
      assert.ok(sameId(b2.authors[0].id, authorId));
      const detail = expectStatus(await api(base, 'GET', `/api/v1/authors/${authorId}`, { ip }), 200, 'author detail');
      assert.ok(sameId(detail.id, authorId));
      assert.equal(detail.name, authorFull);
      assert.equal(typeof detail.bio, 'string');
      assert.equal(detail.book_count, 2);
      assert.deepEqual(sortedIds(detail.books), ids(b1, b2));
      expectStatus(await api(base, 'DELETE', `/api/v1/admin/books/${b2.id}`, { token: admin.token, ip }), 200);
      const after = expectStatus(await api(base, 'GET', `/api/v1/authors/${authorId}`, { ip }), 200);
      assert.equal(after.book_count, 1, 'a deleted book still counts');
      assert.deepEqual(sortedIds(after.books), ids(b1));
      expectProblem(await api(base, 'GET', '/api/v1/authors/987654321012', { ip }), 404, 'unknown author');

      for (const q of [`garsia ${last.toLowerCase()}`, `garcia ${last.toLowerCase()}`, `gabriel garcía ${last}`]) {
        const res = expectStatus(await api(base, 'GET', `/api/v1/authors${queryString({ q })}`, { ip }), 200, `authors?q=${q}`);
        assert.ok(Array.isArray(res.items), JSON.stringify(res));
        const hit = res.items.find((a) => sameId(a.id, authorId));
        assert.ok(hit, `authors?q=${q} does not find ${authorFull}: ${JSON.stringify(res.items.slice(0, 5))}`);
        assert.equal(hit.name, authorFull);
        assert.equal(hit.book_count, 1);
      }

      const genres = expectStatus(await api(base, 'GET', '/api/v1/genres', { ip }), 200, 'genres');
      assert.ok(Array.isArray(genres.items));
      const fantasy = genres.items.find((g) => g.slug === 'fantasy');
      assert.ok(fantasy, 'no fantasy genre');
      assert.equal(fantasy.name, 'Fantasy');
      assert.ok(fantasy.book_count >= 1, `fantasy book_count ${fantasy.book_count}`);
      for (const g of genres.items) {
        assert.ok(g.id !== undefined && typeof g.slug === 'string' && typeof g.name === 'string' && typeof g.book_count === 'number', JSON.stringify(g));
      }
    });

    it('SQL and tsquery metacharacters in every parameter are text: 200 or a clean 422, never 500', async () => {
      const ip = addresses.next();
      const m = marker();
      const sqlTitle = `Robert'); DROP TABLE books;-- ${m}`;
      const sqlDescription = `100% _under_ back\\slash "quoted" it's *: &|!() <-> ${m}`;
      const book = await createBook(base, admin.token, { title: sqlTitle, description: sqlDescription, authors: [`O'Brien "Bobby" ${m}`] }, ip);
      const stored = expectStatus(await api(base, 'GET', `/api/v1/books/${book.id}`, { ip }), 200);
      assert.equal(stored.title, sqlTitle);
      assert.equal(stored.description, sqlDescription);
      assert.equal(stored.authors[0].name, `O'Brien "Bobby" ${m}`);

      const payloads = [
        "'; DROP TABLE books; --", '%', '_', '\\', '"', "'", '*:', '&|!()', "' OR '1'='1", '1; SELECT pg_sleep(3)',
        '$1', '<->', ':*', '!!', '(((', "'')", '--', '-', '""', 'a:* & b', '\\x27', '%00', '[a-z]*', '?', '#', '&',
      ];
      const punctuationOnly = new Set(['%', '_', '\\', '"', "'", '*:', '&|!()', '<->', ':*', '!!', '(((', "'')", '--', '-', '""', '?', '#', '&']);
      const params = ['q', 'genre', 'author', 'language', 'format', 'sort', 'price_min', 'price_max', 'rating_min', 'year_min', 'year_max', 'in_stock', 'limit', 'facets', 'cursor'];
      // Every failure is collected, so that one run shows them all.
      const failures = [];
      const fail = (what, res) => failures.push(`${what} -> ${res.status} ${res.text.slice(0, 160)}`);
      for (const p of payloads) {
        for (const param of params) {
          const res = await searchRes(base, { [param]: p }, ip);
          const what = `${param}=${JSON.stringify(p)}`;
          const allowed = param === 'cursor' ? [400] : param === 'q' ? [200, 422] : [422];
          if (!allowed.includes(res.status)) {
            fail(what, res);
          } else if (res.status === 422 || res.status === 400) {
            const named = fieldsOf(res.json);
            if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? '') || !named.includes(param)) fail(`${what}: errors[] do not name ${param}`, res);
          } else if (!Array.isArray(res.json?.items)) {
            fail(`${what}: no items`, res);
          }
        }
        // With the marker: punctuation is not a word, so it must not hide the book.
        for (const q of [`${m} ${p}`, `${p} ${m}`, `${p}${m}`]) {
          const res = await searchRes(base, { q }, ip);
          if (![200, 422].includes(res.status)) fail(`q=${JSON.stringify(q)}`, res);
          else if (res.status === 200 && punctuationOnly.has(p) && q !== `${p}${m}` && !idsOf(res.json.items).includes(String(book.id))) {
            fail(`q=${JSON.stringify(q)} lost the book`, res);
          }
        }
        for (const path of [`/api/v1/books/suggest${queryString({ q: p })}`, `/api/v1/authors${queryString({ q: p })}`, `/api/v1/books/suggest${queryString({ q: `${m} ${p}` })}`]) {
          const res = await api(base, 'GET', path, { ip });
          if (![200, 422].includes(res.status)) fail(`GET ${path}`, res);
        }
      }
      assert.ok(failures.length === 0, `${failures.length} answers were wrong:\n${failures.join("\n")}`);
      // The words of the injection are searched as words.
      assert.deepEqual(await searchIds(base, { q: `robert drop table ${m}` }, ip), ids(book));
      assert.deepEqual(await searchIds(base, { q: `"drop table books" ${m}` }, ip), ids(book));
      assert.deepEqual(await searchIds(base, { q: `o'brien ${m}` }, ip), ids(book));
      // And the catalog is still there.
      expectStatus(await api(base, 'GET', `/api/v1/books/${book.id}`, { ip }), 200, 'the book after the injections');
      assert.deepEqual(await searchIds(base, { q: m }, ip), ids(book));
      expectStatus(await api(base, 'GET', '/api/v1/genres', { ip }), 200);
    });

    it('every invalid parameter is a 422 problem naming it; q up to 200 characters', async () => {
      const ip = addresses.next();
      const cases = [
        ['foo', { foo: '1' }],
        ['sort', { sort: 'cheapest' }],
        ['sort', { sort: 'PRICE_ASC' }],
        ['price_min', { price_min: '-1' }],
        ['price_max', { price_max: '-5' }],
        ['price_min', { price_min: 'abc' }],
        ['price_max', { price_max: '1.5' }],
        [['price_min', 'price_max'], { price_min: '500', price_max: '100' }],
        ['rating_min', { rating_min: '6' }],
        ['rating_min', { rating_min: '-1' }],
        ['rating_min', { rating_min: 'abc' }],
        ['year_min', { year_min: 'abc' }],
        ['year_max', { year_max: '20x0' }],
        [['year_min', 'year_max'], { year_min: '2020', year_max: '2010' }],
        ['limit', { limit: '0' }],
        ['limit', { limit: '101' }],
        ['limit', { limit: 'ten' }],
        ['limit', { limit: '-3' }],
        ['format', { format: 'mobi' }],
        ['language', { language: 'english' }],
        ['language', { language: '1' }],
        ['genre', { genre: 'Not A Slug!' }],
        ['author', { author: 'abc' }],
        ['author', { author: '1,abc' }],
        ['in_stock', { in_stock: 'yes' }],
        ['facets', { facets: 'maybe' }],
        ['q', { q: 'x'.repeat(201) }],
        ['q', { q: 'é'.repeat(201) }],
      ];
      for (const [field, params] of cases) {
        const res = await searchRes(base, params, ip);
        const problem = expectProblem(res, 422, JSON.stringify(params).slice(0, 80));
        const named = fieldsOf(problem);
        const want = Array.isArray(field) ? field : [field];
        assert.ok(want.some((f) => named.includes(f)), `${JSON.stringify(params).slice(0, 80)}: errors[] name ${JSON.stringify(named)}, not ${want}`);
        for (const e of problem.errors) assert.equal(typeof e.message, 'string');
      }
      for (const params of [{ q: 'x'.repeat(200) }, { q: 'é'.repeat(200) }, { limit: '1' }, { limit: '100' }, { rating_min: '0' }, { rating_min: '5' }, { rating_min: '3.5' }, { in_stock: 'false' }, { facets: 'false' }]) {
        const res = await searchRes(base, params, ip);
        expectStatus(res, 200, JSON.stringify(params).slice(0, 80));
      }
      expectProblem(await searchRes(base, { cursor: 'garbage' }, ip), 400, 'garbage cursor');
      expectProblem(await api(base, 'GET', '/api/v1/books/987654321012', { ip }), 404, 'unknown book');
    });
  });
}
