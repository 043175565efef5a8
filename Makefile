# Pipe — the two commands a fresh clone needs are `make run` and `make test`.
SWIFT ?= swift
# System libraries the package links or will link (libcurl for PipeHTTP, OpenSSL, SQLite).
SYSTEM_PACKAGES := libcurl4-openssl-dev libssl-dev libsqlite3-dev
# Servers the tests start on 127.0.0.1 (nginx: TLS, HTTP/2 and mutual TLS for PipeHTTP; openssl makes the certificates;
# postgresql: a throwaway cluster for the PostgreSQL stores, see scripts/test-postgres.sh).
TEST_PACKAGES := nginx openssl python3 python3-venv postgresql
# Peers the benchmarks run side by side with Pipe (python3-venv: the virtualenv bytewax is installed into).
BENCH_PACKAGES := jq gojq hyperfine curl nginx openssl python3-venv wrk
PIPE_CONFORMANCE_DIR ?= $(abspath ../shared/conformance)
export PIPE_CONFORMANCE_DIR

.PHONY: all deps build run demo test docs bench bench-deps clean

all: build

deps:
	@scripts/install-system-packages.sh $(SYSTEM_PACKAGES)

build: deps
	$(SWIFT) build --product pipe

# The main job: a whole Pipe deployment in this process (`pipe serve`, embedded under .pipe/ on 127.0.0.1:8080).
# The first start prints the admin API key once, with a curl line that works; README.md has the tour.
# PIPE_PORT, PIPE_DIRECTORY and the other PIPE_* variables change where it listens and keeps its data.
run: build
	@$$($(SWIFT) build --show-bin-path)/pipe serve

# The command-line tools on the bundled examples, without a server.
demo: build
	@echo '$$ pipe query "orders[?total > \`100\`] | sort_by(@, &total)[].{id: id, customer: customer.name, total: total}" Examples/orders.json'
	@$$($(SWIFT) build --show-bin-path)/pipe query \
		'orders[?total > `100`] | sort_by(@, &total)[].{id: id, customer: customer.name, total: total}' \
		Examples/orders.json
	@echo '$$ pipe run Examples/pipelines/revenue-by-status.yaml --input Examples/data/orders.jsonl'
	@$$($(SWIFT) build --show-bin-path)/pipe run Examples/pipelines/revenue-by-status.yaml \
		--input Examples/data/orders.jsonl

# Tests run one at a time: the large-transfer tests measure the process's resident memory, which
# memory-hungry tests running beside them (fuzzing, 100k-key objects) would blur. Their Python helpers
# (test servers, the fake OAuth provider, the PyJWT cross-check) run in a virtualenv with PyPI packages.
# Then schemathesis (PyPI) fuzzes a running `pipe serve` against its own OpenAPI document.
test: deps
	@scripts/install-system-packages.sh $(TEST_PACKAGES)
	$(SWIFT) build --build-tests
	PIPE_TEST_PYTHON="$$(scripts/python-test-env.sh)" SWIFT=$(SWIFT) scripts/test-postgres.sh run scripts/run-swift-tests.sh
	scripts/schemathesis.sh "$$($(SWIFT) build --show-bin-path)/pipe"
	PIPE_TEST_PYTHON="$$(scripts/python-test-env.sh)" scripts/check-examples.sh "$$($(SWIFT) build --show-bin-path)/pipe"

docs:
	scripts/build-docs.sh

bench-deps: deps
	@scripts/install-system-packages.sh $(BENCH_PACKAGES)
	@python3 -c 'import jmespath' 2>/dev/null || python3 -m pip install --quiet jmespath

bench: bench-deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark
	Benchmarks/scripts/compare-jmespath.sh
	Benchmarks/scripts/compare-query.sh
	Benchmarks/scripts/compare-http.sh
	Benchmarks/scripts/compare-pipeline.sh
	Benchmarks/scripts/compare-storage.sh
	Benchmarks/scripts/compare-auth.sh
	Benchmarks/scripts/compare-gateway.sh
	Benchmarks/scripts/compare-client.sh
	Benchmarks/scripts/compare-queue.sh

clean:
	rm -rf .build Benchmarks/.build
