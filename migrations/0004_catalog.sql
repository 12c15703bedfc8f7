-- Catalog (PRODUCT.md 3): books with their authors, genres and publisher, the search columns the
-- database keeps up to date, the word list for typo tolerance and the synonyms table.
-- See src/adapters/catalog/ for the statements that use them.
--
-- unaccent and pg_trgm are trusted extensions: the database owner may create them. rum (Debian's
-- postgresql-15-rum) is not: a superuser creates it before the first migration (scripts/pg-cluster does,
-- and the compose file's PostgreSQL image), and the migration stops with that advice when it is missing.
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'rum') THEN
    RAISE EXCEPTION 'the rum extension is missing'
      USING HINT = 'Install postgresql-15-rum and, as a superuser, run CREATE EXTENSION rum in this database.';
  END IF;
END $$;

-- English with accents folded first: 'García' and 'garcia' are one lexeme, 'running' and 'run' too.
-- unaccent is a filtering dictionary, so its output goes on to english_stem (and its stop words).
CREATE TEXT SEARCH CONFIGURATION bookstore_english (COPY = english);
ALTER TEXT SEARCH CONFIGURATION bookstore_english
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
  WITH unaccent, english_stem;

-- Lower-case and accents folded, for the word list, synonyms and author names. unaccent() itself is only
-- STABLE (its dictionary could be changed); with the dictionary named explicitly the result is fixed,
-- so an IMMUTABLE wrapper may be used in indexes.
CREATE FUNCTION catalog_fold(t text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN lower(public.unaccent('public.unaccent'::regdictionary, t));

CREATE TABLE publishers (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE UNIQUE INDEX publishers_name_live ON publishers (catalog_fold(name)) WHERE deleted_at IS NULL;

-- One live author per folded name: admins name authors when they create a book, and the same name
-- always means the same author.
CREATE TABLE authors (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  bio        text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE UNIQUE INDEX authors_name_live ON authors (catalog_fold(name)) WHERE deleted_at IS NULL;
-- Author search by (mis-spelt) name.
CREATE INDEX authors_name_trgm ON authors USING gin (catalog_fold(name) gin_trgm_ops) WHERE deleted_at IS NULL;

CREATE TABLE genres (
  id         integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug       text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  created_at timestamptz NOT NULL DEFAULT now(),
  deleted_at timestamptz
);
CREATE UNIQUE INDEX genres_slug_live ON genres (slug) WHERE deleted_at IS NULL;

INSERT INTO genres (slug, name) VALUES
  ('fiction', 'Fiction'), ('literary-fiction', 'Literary Fiction'), ('classics', 'Classics'),
  ('fantasy', 'Fantasy'), ('science-fiction', 'Science Fiction'), ('mystery', 'Mystery'),
  ('thriller', 'Thriller'), ('crime', 'Crime'), ('romance', 'Romance'), ('horror', 'Horror'),
  ('historical-fiction', 'Historical Fiction'), ('young-adult', 'Young Adult'),
  ('children', 'Children'), ('poetry', 'Poetry'), ('drama', 'Drama'), ('humour', 'Humour'),
  ('biography', 'Biography'), ('memoir', 'Memoir'), ('history', 'History'), ('science', 'Science'),
  ('technology', 'Technology'), ('programming', 'Programming'), ('business', 'Business'),
  ('economics', 'Economics'), ('philosophy', 'Philosophy'), ('psychology', 'Psychology'),
  ('self-help', 'Self-Help'), ('health', 'Health'), ('cooking', 'Cooking'), ('travel', 'Travel'),
  ('art', 'Art'), ('religion', 'Religion'), ('politics', 'Politics'), ('education', 'Education'),
  ('nature', 'Nature'), ('sports', 'Sports');

-- Books. Money is integer minor units (paise for INR) with its currency. stock NULL means unlimited
-- licences; a number is what is left and can never go below zero (the CHECK backs the conditional
-- UPDATE of the store). Soft-deleted books keep their row (orders refer to them) and their ISBN is free
-- for a live book again.
CREATE TABLE books (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  isbn13           text NOT NULL CHECK (isbn13 ~ '^97[89][0-9]{10}$'),
  title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
  subtitle         text NOT NULL DEFAULT '' CHECK (length(subtitle) <= 300),
  description      text NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
  publisher_id     bigint REFERENCES publishers (id),
  language         text NOT NULL CHECK (language ~ '^[a-z]{2}$'),      -- ISO 639-1
  publication_year smallint CHECK (publication_year BETWEEN 1400 AND 2100),
  page_count       integer CHECK (page_count BETWEEN 1 AND 100000),
  cover_url        text CHECK (length(cover_url) <= 2000),
  price_minor      bigint NOT NULL CHECK (price_minor BETWEEN 0 AND 1000000000),
  currency         text NOT NULL DEFAULT 'INR' CHECK (currency ~ '^[A-Z]{3}$'),
  format           text NOT NULL CHECK (format IN ('epub', 'pdf')),
  stock            integer CHECK (stock >= 0),
  -- Kept by reviews and orders (later features) and by the catalog generator.
  rating_avg       real NOT NULL DEFAULT 0 CHECK (rating_avg BETWEEN 0 AND 5),
  rating_count     integer NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
  sales_count      bigint NOT NULL DEFAULT 0 CHECK (sales_count >= 0),
  -- The book's file, stored under BOOKSTORE_BOOK_FILES_DIR by its storage key (never a public root).
  file_key         text,
  file_size        bigint CHECK (file_size > 0),
  file_sha256      text CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
  file_uploaded_at timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz,
  -- Copies of the joined rows, kept by the triggers below, so that search, filters and facets read one
  -- row per book: author ids and names in their order, genre ids and names.
  author_ids       bigint[] NOT NULL DEFAULT '{}',
  genre_ids        integer[] NOT NULL DEFAULT '{}',
  authors_text     text NOT NULL DEFAULT '',
  genres_text      text NOT NULL DEFAULT '',
  -- Weighted: title A, subtitle and authors B, genres C, description D.
  search           tsvector GENERATED ALWAYS AS (
                     setweight(to_tsvector('bookstore_english', title), 'A') ||
                     setweight(to_tsvector('bookstore_english', subtitle || ' ' || authors_text), 'B') ||
                     setweight(to_tsvector('bookstore_english', genres_text), 'C') ||
                     setweight(to_tsvector('bookstore_english', description), 'D')) STORED,
  CONSTRAINT books_file_complete CHECK ((file_key IS NULL) = (file_sha256 IS NULL)
                                        AND (file_key IS NULL) = (file_size IS NULL))
);

CREATE UNIQUE INDEX books_isbn_live ON books (isbn13) WHERE deleted_at IS NULL;
-- Relevance: RUM keeps positions, so ORDER BY search <=> query LIMIT k reads the best k matches from
-- the index instead of ranking every match (GIN + ts_rank_cd scores all of them: ~100 ms for a common
-- word at 300k books).
CREATE INDEX books_search ON books USING rum (search rum_tsvector_ops) WHERE deleted_at IS NULL;
-- Filters.
CREATE INDEX books_genres ON books USING gin (genre_ids) WHERE deleted_at IS NULL;
CREATE INDEX books_authors ON books USING gin (author_ids) WHERE deleted_at IS NULL;
-- Keyset orders of the sorts (each ends with id, the tie-breaker).
CREATE INDEX books_by_price ON books (price_minor, id) WHERE deleted_at IS NULL;
CREATE INDEX books_by_rating ON books (rating_avg DESC, id DESC) WHERE deleted_at IS NULL;
-- Newest first by publication year; books without a year come last (as year 0).
CREATE INDEX books_by_newest ON books ((coalesce(publication_year, 0)) DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX books_by_sales ON books (sales_count DESC, id DESC) WHERE deleted_at IS NULL;
-- Admin: deleted books, most recently deleted first.
CREATE INDEX books_deleted ON books (deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL;

CREATE TABLE book_authors (
  book_id   bigint NOT NULL REFERENCES books (id) ON DELETE CASCADE,
  author_id bigint NOT NULL REFERENCES authors (id),
  position  smallint NOT NULL CHECK (position >= 0),
  PRIMARY KEY (book_id, author_id)
);
CREATE INDEX book_authors_author ON book_authors (author_id, book_id);

CREATE TABLE book_genres (
  book_id  bigint NOT NULL REFERENCES books (id) ON DELETE CASCADE,
  genre_id integer NOT NULL REFERENCES genres (id),
  PRIMARY KEY (book_id, genre_id)
);
CREATE INDEX book_genres_genre ON book_genres (genre_id, book_id);

-- Recomputes the copies of joined rows for the given books (author and genre ids and names).
CREATE FUNCTION catalog_refresh_books(ids bigint[]) RETURNS void LANGUAGE sql AS $$
  UPDATE books b
     SET author_ids   = coalesce(a.ids, '{}'),
         authors_text = coalesce(a.names, ''),
         genre_ids    = coalesce(g.ids, '{}'),
         genres_text  = coalesce(g.names, '')
    FROM unnest(ids) AS t(id)
    LEFT JOIN LATERAL (SELECT array_agg(au.id ORDER BY ba.position) AS ids,
                              string_agg(au.name, ' ' ORDER BY ba.position) AS names
                         FROM book_authors ba JOIN authors au ON au.id = ba.author_id
                        WHERE ba.book_id = t.id) a ON true
    LEFT JOIN LATERAL (SELECT array_agg(ge.id ORDER BY ge.id) AS ids,
                              string_agg(ge.name, ' ' ORDER BY ge.id) AS names
                         FROM book_genres bg JOIN genres ge ON ge.id = bg.genre_id
                        WHERE bg.book_id = t.id) g ON true
   WHERE b.id = t.id
     AND (b.author_ids, b.authors_text, b.genre_ids, b.genres_text)
         IS DISTINCT FROM (coalesce(a.ids, '{}'), coalesce(a.names, ''), coalesce(g.ids, '{}'), coalesce(g.names, ''));
$$;

-- Statement-level triggers with transition tables: one refresh per statement, however many rows.
CREATE FUNCTION catalog_links_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM catalog_refresh_books(ARRAY(SELECT DISTINCT book_id FROM new_rows));
  ELSE
    PERFORM catalog_refresh_books(ARRAY(SELECT DISTINCT book_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER book_authors_inserted AFTER INSERT ON book_authors
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_links_changed();
CREATE TRIGGER book_authors_deleted AFTER DELETE ON book_authors
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_links_changed();
CREATE TRIGGER book_genres_inserted AFTER INSERT ON book_genres
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_links_changed();
CREATE TRIGGER book_genres_deleted AFTER DELETE ON book_genres
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_links_changed();

-- A renamed author or genre renames it in the search column of every book that has it.
CREATE FUNCTION catalog_author_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM catalog_refresh_books(ARRAY(SELECT DISTINCT ba.book_id FROM book_authors ba
                                        JOIN new_rows n ON n.id = ba.author_id
                                        JOIN old_rows o ON o.id = n.id
                                       WHERE n.name IS DISTINCT FROM o.name));
  RETURN NULL;
END $$;
CREATE TRIGGER authors_renamed AFTER UPDATE ON authors
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_author_renamed();

CREATE FUNCTION catalog_genre_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM catalog_refresh_books(ARRAY(SELECT DISTINCT bg.book_id FROM book_genres bg
                                        JOIN new_rows n ON n.id = bg.genre_id
                                        JOIN old_rows o ON o.id = n.id
                                       WHERE n.name IS DISTINCT FROM o.name));
  RETURN NULL;
END $$;
CREATE TRIGGER genres_renamed AFTER UPDATE ON genres
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_genre_renamed();

-- Typo tolerance. Every word (folded, 3+ characters) of the titles, subtitles and author names, with a
-- trigram index: a misspelt query word is replaced by its nearest words here before full-text search
-- runs again. Matching a word against ~10^5 distinct words is fast at any catalog size, where matching it
-- against every title (word_similarity over 10^6 rows) is not. Words are only added; a word no book uses
-- any more costs a full-text search that finds nothing.
CREATE TABLE catalog_words (
  word text PRIMARY KEY CHECK (length(word) BETWEEN 3 AND 60)
);
CREATE INDEX catalog_words_trgm ON catalog_words USING gist (word gist_trgm_ops);

CREATE FUNCTION catalog_words_of(t text) RETURNS SETOF text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  BEGIN ATOMIC
    SELECT w FROM regexp_split_to_table(catalog_fold(t), '[^[:alnum:]]+') AS w WHERE length(w) BETWEEN 3 AND 60;
  END;

CREATE FUNCTION catalog_books_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO catalog_words (word)
    SELECT DISTINCT w FROM new_rows n, catalog_words_of(n.title || ' ' || n.subtitle) AS w
    ON CONFLICT DO NOTHING;
  ELSE  -- only titles that changed (price and stock updates cost nothing here)
    INSERT INTO catalog_words (word)
    SELECT DISTINCT w FROM new_rows n JOIN old_rows o ON o.id = n.id,
           catalog_words_of(n.title || ' ' || n.subtitle) AS w
     WHERE (n.title, n.subtitle) IS DISTINCT FROM (o.title, o.subtitle)
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER books_words_inserted AFTER INSERT ON books
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_books_words();
CREATE TRIGGER books_words_updated AFTER UPDATE ON books
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_books_words();

CREATE FUNCTION catalog_authors_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO catalog_words (word)
  SELECT DISTINCT w FROM new_rows n, catalog_words_of(n.name) AS w
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
-- Authors are renamed rarely; a rename adds the new name's words.
CREATE TRIGGER authors_words_inserted AFTER INSERT ON authors
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_authors_words();
CREATE TRIGGER authors_words_updated AFTER UPDATE ON authors
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog_authors_words();

-- Synonyms: a search for any term of a group also finds the others ('sci-fi' = 'science fiction').
-- Terms are compared folded (catalog_fold); a term may be a phrase of several words.
CREATE TABLE search_synonyms (
  group_id integer NOT NULL,
  term     text NOT NULL CHECK (length(term) BETWEEN 1 AND 100),
  PRIMARY KEY (group_id, term)
);
CREATE INDEX search_synonyms_term ON search_synonyms (catalog_fold(term));

INSERT INTO search_synonyms (group_id, term) VALUES
  (1, 'sci-fi'), (1, 'science fiction'), (1, 'scifi'), (1, 'sf'),
  (2, 'ya'), (2, 'young adult'),
  (3, 'bio'), (3, 'biography'),
  (4, 'whodunit'), (4, 'mystery'),
  (5, 'programming'), (5, 'coding'),
  (6, 'humor'), (6, 'humour'),
  (7, 'colour'), (7, 'color'),
  (8, 'ww2'), (8, 'world war ii'), (8, 'second world war'),
  (9, 'ai'), (9, 'artificial intelligence'),
  (10, 'cookbook'), (10, 'cooking'), (10, 'recipes');

-- Authors whose name resembles q: word_similarity finds 'garsia' in 'Gabriel García Márquez' (the best
-- matching stretch of the name counts, not the whole name; 0.43 here). The <% operator uses the trigram
-- index, with a threshold below pg_trgm's default 0.6 so that one wrong letter in a short name still
-- matches; the function's SET keeps the setting to its own calls. pg_trgm's settings exist only once
-- its library is loaded, which the first statement below does.
SELECT word_similarity('', '');
CREATE FUNCTION catalog_find_authors(q text, n integer)
  RETURNS TABLE (id bigint, name text, book_count bigint, similarity real)
  LANGUAGE sql STABLE
  SET pg_trgm.word_similarity_threshold = 0.4
AS $$
  SELECT a.id, a.name,
         (SELECT count(*) FROM book_authors ba JOIN books b ON b.id = ba.book_id
           WHERE ba.author_id = a.id AND b.deleted_at IS NULL),
         word_similarity(catalog_fold(q), catalog_fold(a.name))
    FROM authors a
   WHERE a.deleted_at IS NULL AND catalog_fold(q) <% catalog_fold(a.name)
   ORDER BY 4 DESC, a.id
   LIMIT n
$$;
