# PostgreSQL 15 with the RUM index access method the catalog's ranked search needs (the official image
# comes from apt.postgresql.org, which packages it as postgresql-15-rum). The compose file's POSTGRES_USER
# is the cluster's superuser, so the first migration can create the extension itself.
FROM postgres:15-bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15-rum \
 && rm -rf /var/lib/apt/lists/*
