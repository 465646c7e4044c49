# Accord — build, demo and test entry points. See README.md.
.PHONY: demo build web web-and-deps deps test lint fuzz bench clean

GO ?= go
ACCORD_DATA ?= ./var/demo
LISTEN ?= 127.0.0.1:8080

# Demo login (local demo data only): the map and the API need a logged-in user.
DEMO_USER ?= demo
DEMO_PASSWORD ?= accord-demo-password

# Command 1: build everything, create the demo user once, and run the server fed by the simulator.
demo: build
	@./bin/accord user list --data $(ACCORD_DATA) 2>/dev/null | awk 'NR > 1 { print $$2 }' | grep -qx '$(DEMO_USER)' || \
		ACCORD_PASSWORD='$(DEMO_PASSWORD)' ./bin/accord user add --data $(ACCORD_DATA) --name '$(DEMO_USER)' --agency SEMAR --role watch_officer,analyst
	@echo "demo login: user $(DEMO_USER), password $(DEMO_PASSWORD)"
	./bin/accord serve --listen $(LISTEN) --data $(ACCORD_DATA) --simulate demo --speedup 10

build: web-and-deps
	$(GO) build -o bin/accord ./cmd/accord

# A cold build is dominated by compiling the binary's third-party Go packages (the SQLite
# driver's translated C above all), so they compile while npm installs and bundles the map.
# Largest source first: the longest compile then starts as soon as the standard packages it
# imports are built. The binary itself needs the bundle (it embeds it), so it comes after.
web-and-deps:
	@$(MAKE) --no-print-directory -j2 web deps

deps:
	$(GO) build $$($(GO) list -e -deps -f '{{if not .Standard}}{{.ImportPath}}{{range .GoFiles}} {{$$.Dir}}/{{.}}{{end}}{{end}}' ./cmd/accord | \
		awk 'NF > 1 && $$1 !~ /^accord(\/|$$)/' | while read -r pkg files; do \
		echo "$$(cat $$files | wc -c) $$pkg"; done | sort -rn | cut -d' ' -f2)

# The map bundle: npm packages from the lockfile, built into internal/web/static/dist (embedded).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

web: node_modules/.package-lock.json
	node web/build.mjs

# Command 2: every test. Tests needing PostgreSQL, a browser or ../shared/data skip with a
# printed reason outside CI; under CI=true they run. The store suite (TestSQLite, TestPostgres)
# runs last and verbosely, so that the log shows one line per dialect saying whether it ran
# (its full output is printed only when it fails).
STORE_SUITE = ^Test(SQLite|Postgres)$$
test: web
	$(GO) test -count=1 -timeout 30m -skip '$(STORE_SUITE)' ./...
	@mkdir -p bin
	@$(GO) test -count=1 -v -run '$(STORE_SUITE)' ./internal/store >bin/store-suite.log 2>&1 || { cat bin/store-suite.log; exit 1; }
	@grep -E 'store suite: dialect=|^(ok|FAIL|panic)' bin/store-suite.log | sed 's/^ *store_test.go:[0-9]*: //'

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

clean:
	rm -rf bin internal/web/static/dist
