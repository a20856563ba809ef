# N@BIJ leerplatform. The two commands: `make run` and `make test`.
# Without DATABASE_URL both start a private PostgreSQL in .data/postgres.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
PORT ?= 8080
PKGS ?= ./...

# db_url prints DATABASE_URL, starting the private cluster when it is unset.
db_url = $${DATABASE_URL:-$$(scripts/devdb.sh start)}

.PHONY: run test race build stop-db db check fuzz clean

## run: start PostgreSQL if needed, migrate, import the curriculum, create demo accounts, serve on $(PORT)
run: build
	@url="$(db_url)"; \
	DATABASE_URL="$$url" bin/nabij migrate; \
	DATABASE_URL="$$url" bin/nabij import; \
	if bin/nabij help | grep -q '^  nabij demo'; then DATABASE_URL="$$url" bin/nabij demo; fi; \
	echo "N@BIJ leerplatform: http://localhost:$(PORT)/"; \
	DATABASE_URL="$$url" PORT=$(PORT) exec bin/nabij serve

## test: install the test tools if missing, start PostgreSQL if needed, run every test
test:
	@scripts/deps.sh
	@url="$(db_url)"; \
	DATABASE_URL="$$url" $(GO) test -count=1 -p 2 -timeout 20m $(PKGS)

## race: every test again under the race detector (CI runs it after test)
race:
	@scripts/deps.sh
	@url="$(db_url)"; \
	DATABASE_URL="$$url" $(GO) test -race -count=1 -p 2 -timeout 40m $(PKGS)

## build: compile the one binary to bin/nabij
build:
	$(GO) build -trimpath -o bin/nabij ./cmd/nabij

## stop-db: stop the private PostgreSQL cluster
stop-db:
	@scripts/devdb.sh stop

## db: start the private PostgreSQL cluster and print its DATABASE_URL
db:
	@scripts/devdb.sh start

## check: gofmt, go vet and staticcheck
check:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

## fuzz: run every Go fuzz target for FUZZTIME each (default 30s); a panic fails
FUZZTIME ?= 30s
fuzz:
	@url="$(db_url)"; \
	for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz' || true); do \
			echo "fuzz $$pkg $$f"; \
			DATABASE_URL="$$url" $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

clean:
	rm -rf bin

## bench: the server under wrk next to nginx (scripts/bench.sh, 100,000 learners in 300
##        organisations), then the Go benchmarks (the handler per kept page, report
##        queries on 10,000 learners, certificate rendering)
.PHONY: bench
bench:
	@scripts/deps.sh
	@url="$(db_url)"; \
	DATABASE_URL="$$url" scripts/bench.sh; \
	DATABASE_URL="$$url" $(GO) test -run '^$$' -bench ServeKeptPage -benchtime 20000x ./internal/app/; \
	DATABASE_URL="$$url" $(GO) test -run '^$$' -bench . -benchtime 20x ./internal/report/; \
	DATABASE_URL="$$url" $(GO) test -run '^$$' -bench Render -benchtime 20x ./internal/certificate/

## soak: the long reliability tests (PostgreSQL restarted every SOAK_RESTART_EVERY under load for SOAK_DURATION, default 2m), then the quick ones
.PHONY: soak
soak:
	@scripts/deps.sh
	@url="$(db_url)"; \
	DATABASE_URL="$$url" $(GO) test -tags soak -count=1 -timeout 60m -v -run 'Soak|Restart|SIGTERM|Nginx' ./internal/e2e/

## backup-check: seed a database, pg_dump it, restore it into a fresh one, start the platform
##               on the copy and check people, progress and certificates (scripts/backup-check.sh)
.PHONY: backup-check
backup-check:
	@url="$(db_url)"; \
	DATABASE_URL="$$url" scripts/backup-check.sh
