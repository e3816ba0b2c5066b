# fieldmap — one-command set-up. `make demo` runs the main job, `make test`
# the test suite; both install what they need first (make deps).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# the shared fixtures: SHARED=... or FIELDMAP_SHARED=... (what the tests read)
SHARED      ?= $(or $(FIELDMAP_SHARED),../shared)
ENTITIES    ?= $(SHARED)/fixtures/canonical-entities.yaml
LEGACY      ?= $(SHARED)/fixtures/legacy-yaml
DEMO_TENANT ?= demo
VENV        := .venv
PY          := $(VENV)/bin/python
STAMP       := $(VENV)/.fieldmap-installed
CLUSTER     := bash scripts/cluster.sh
# DATABASE_URL wins; otherwise the project-local cluster.
DB_URL       = $(shell $(CLUSTER) url)
SQITCH_TARGET = $(shell $(CLUSTER) url | sed -E 's#^postgres(ql)?:#db:pg:#')
# Targets that need the local cluster start it unless DATABASE_URL points elsewhere.
DB_READY    := $(if $(DATABASE_URL),,db-start)

.PHONY: help deps deps-system db-start db-stop db-status db-url psql deploy revert verify \
        replica-start replica-stop replica-url backup restore \
        demo test test-long bench bench-quick schema clean distclean

help:
	@echo "make demo      set up everything and run the main job (deploy, load entities, status)"
	@echo "make test      set up everything and run the test suite"
	@echo "make test-long the long tests (tests/long): 20 server crashes mid-work on a durable cluster, about 4 min"
	@echo "make bench     run every benchmark in bench/ and rewrite BENCHMARKS.md (ONLY=bench_search: one)"
	@echo "make bench-quick  every benchmark at a small scale, to see that they run (BENCHMARKS.md untouched)"
	@echo "make deps      install system packages and the virtualenv (idempotent)"
	@echo "make db-start | db-stop | db-status | db-url | psql    the project-local cluster"
	@echo "make replica-start | replica-stop | replica-url         a read replica (hot standby) of the local cluster"
	@echo "make backup DUMP=F | restore DUMP=F DB=NEW                a copy of the registry (pg_dump), restored"
	@echo "make deploy | revert | verify                            Sqitch against the same target"
	@echo "make schema    rewrite db/schema.sql from a fresh deploy (commit it with the change)"

deps: deps-system $(STAMP)

deps-system:
	@bash scripts/deps-system.sh

# torch first, pinned to the CPU wheel this machine keeps on disk; otherwise
# sentence-transformers would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "deps: installing the virtualenv (torch CPU, fieldmap editable with test, embed and bench extras)" >&2
	@{ $(PY) -m pip install --disable-pip-version-check torch==2.13.0 && \
	   $(PY) -m pip install --disable-pip-version-check -e '.[test,embed,bench]'; } > $(VENV)/pip.log 2>&1 \
	   || { tail -n 40 $(VENV)/pip.log >&2; echo "deps: pip failed; full log in $(VENV)/pip.log" >&2; exit 1; }
	@touch $(STAMP)

db-start: deps-system
	@$(CLUSTER) start

db-stop:
	@$(CLUSTER) stop

db-status:
	@$(CLUSTER) status

db-url:
	@$(CLUSTER) url

# a read replica of the local cluster (hot standby, pg_basebackup); reads go
# there with FIELDMAP_READ_URL=$$(make -s replica-url)
replica-start: db-start
	@$(CLUSTER) replica-start

replica-stop:
	@$(CLUSTER) replica-stop

replica-url:
	@$(CLUSTER) replica-url

psql: $(DB_READY)
	@psql "$(DB_URL)"

deploy: deps-system $(DB_READY)
	@cd db && sqitch deploy --verify "$(SQITCH_TARGET)"

# A revert refuses to drop tables while the registry holds data, and here it
# asks before Sqitch reverts anything (sqitch revert alone would revert the
# function changes above the first table, then stop). DROP_DATA=1 tears the
# registry down anyway, audit history included: make backup first.
REVERT_GUARD = DO 'BEGIN IF to_regprocedure(''fieldmap._refuse_revert_over_data()'') IS NOT NULL THEN \
               PERFORM fieldmap._refuse_revert_over_data(); END IF; END'
revert: deps-system $(DB_READY)
	@$(if $(filter 1,$(DROP_DATA)),,psql -X -q -v ON_ERROR_STOP=1 -v SHOW_CONTEXT=never -c "$(REVERT_GUARD)" "$(DB_URL)" &&) \
	 cd db && $(if $(filter 1,$(DROP_DATA)),PGOPTIONS='-c fieldmap.revert_drops_data=on') sqitch revert -y "$(SQITCH_TARGET)"

verify: deps-system $(DB_READY)
	@cd db && sqitch verify "$(SQITCH_TARGET)"

# The main job: the legacy YAML registry moved into the database, checked,
# exported back, and the lineage grid shown. Run it twice: the second run
# reports 0 created, 191 unchanged.
demo: deps deploy
	@test -f "$(ENTITIES)" || { echo "demo: $(ENTITIES) not found (set SHARED=...)" >&2; exit 1; }
	@export DATABASE_URL="$(DB_URL)" FIELDMAP_TENANT="$(DEMO_TENANT)"; set -e; fm=$(VENV)/bin/fieldmap; \
	echo "== canonical entities"; $$fm entities load "$(ENTITIES)" | tail -n 1; \
	echo "== tenant"; $$fm tenant add "$(DEMO_TENANT)" --name "Demo tenant" --if-not-exists; \
	echo "== import the legacy YAML registry"; \
	$$fm import --reason "migration from the legacy YAML registry" --mirror .demo/mirror $(LEGACY)/*.yaml; \
	echo "== verify the migration (zero differences expected)"; $$fm verify-migration $(LEGACY)/*.yaml; \
	echo "== export round trip: export to .demo/export, compare it with the database"; rm -rf .demo/export; \
	$$fm export --out .demo/export > /dev/null; $$fm verify-migration .demo/export/*.yaml | tail -n 1; \
	echo "== lineage grid (first rows; the owner refreshes it)"; \
	psql -X -q -c "SELECT * FROM fieldmap.refresh_lineage_grid()" "$$DATABASE_URL" > /dev/null; $$fm grid --limit 12; \
	echo "== audit chain of the tenant"; $$fm audit verify; \
	echo "== pg_cron jobs: seal, purge, grid refresh, nightly validation"; $$fm cron install; \
	echo "== status"; $$fm status

test: deps $(DB_READY)
	@DATABASE_URL="$(DB_URL)" FIELDMAP_SHARED="$(SHARED)" $(VENV)/bin/pytest $(PYTEST_ARGS)

# tests/long, which make test leaves out; the crash test starts a cluster of its own beside the local one
# and prints where each kill landed (-s)
test-long: deps $(DB_READY)
	@DATABASE_URL="$(DB_URL)" FIELDMAP_SHARED="$(SHARED)" $(VENV)/bin/pytest -s -m long tests/long $(PYTEST_ARGS)

# db/schema.sql, the deployed schema as one reviewable file (a test fails when it is stale)
schema: deps $(DB_READY)
	@DATABASE_URL="$(DB_URL)" $(PY) scripts/schema.py --write

# ONLY=bench_search runs one (its rows of BENCHMARKS.md are replaced, the others kept)
bench: deps $(DB_READY)
	@DATABASE_URL="$(DB_URL)" $(PY) bench/run.py $(ONLY)

# every benchmark at a small scale (a few minutes): they still run; figures in bench/results/quick.json
bench-quick: deps $(DB_READY)
	@FIELDMAP_BENCH_QUICK=1 DATABASE_URL="$(DB_URL)" $(PY) bench/run.py $(ONLY)

# A copy of the registry (pg_dump -Fc), and its restore into a new database
# of the same server: make backup DUMP=registry.dump; make restore DUMP=registry.dump DB=restored
backup: deps-system $(DB_READY)
	@test -n "$(DUMP)" || { echo "make backup DUMP=FILE" >&2; exit 2; }
	@pg_dump -Fc -f "$(DUMP)" "$(DB_URL)" && echo "backup: $(DUMP)" >&2

restore: deps-system $(DB_READY)
	@test -n "$(DUMP)" && test -n "$(DB)" || { echo "make restore DUMP=FILE DB=NEW_DATABASE" >&2; exit 2; }
	@psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE DATABASE "$(DB)"' "$(DB_URL)" && \
	 bash scripts/restore.sh "$(DUMP)" "$$(echo '$(DB_URL)' | sed -E 's#^(postgres(ql)?://[^/]*)/[^?]*#\1/$(DB)#')"

clean:
	rm -rf .pytest_cache bench/results .demo
	find . -name __pycache__ -prune -exec rm -rf {} +

# Stops the cluster and removes its data and the virtualenv.
distclean: db-stop clean
	rm -rf .pgdata .pgrun $(VENV)
