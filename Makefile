# Switchboard: the two commands are `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
# cargo-leptos builds the debug server with this flag; tests use it too so they share one cache.
TEST_RUSTFLAGS := --cfg erase_components
ADDR ?= 127.0.0.1:3000
API_FUZZ_SECONDS ?= 180
DATABASE_URL ?= sqlite://data/switchboard.db?mode=rwc
# `make test` builds into a site folder of its own, so a running `make run` (target/site) keeps its
# wasm, JavaScript and CSS while the tests build and run.
TEST_SITE_ROOT := $(CURDIR)/target/test-site
# How long a test-mode platform takes to answer: realistic (so a demo run takes seconds and can be
# watched), off, or milliseconds per call (README: Demo data).
SWITCHBOARD_TESTMODE_LATENCY ?= realistic

.PHONY: help setup setup-tests assets build build-release run dev test test-rust test-api test-e2e check fmt lint bench-import bench-runs bench-analytics bench-memory bench-ab

help:
	@echo "make run    set up what is missing, build a release and serve http://$(ADDR)"
	@echo "make test   set up what is missing and run every test (unit, integration, browser)"
	@echo "make dev    rebuild and reload on change (cargo leptos watch)"
	@echo "make check  quick compile check of the server and the wasm front end"

setup:
	@scripts/setup.sh

setup-tests:
	@scripts/setup.sh --tests

# Front-end files from the npm registry, copied where the site is assembled from.
assets:
	@scripts/vendor-assets.sh

build: setup assets
	cargo leptos build

build-release: setup assets
	cargo leptos build --release

run: build-release
	DATABASE_URL='$(DATABASE_URL)' target/release/switchboard seed-demo
	@echo "Switchboard: open http://$(ADDR)"
	SWITCHBOARD_ADDR=$(ADDR) DATABASE_URL='$(DATABASE_URL)' LEPTOS_SITE_ROOT=target/site LEPTOS_ENV=PROD \
		SWITCHBOARD_TESTMODE_LATENCY='$(SWITCHBOARD_TESTMODE_LATENCY)' target/release/switchboard serve

dev: setup assets
	cargo leptos watch

test: setup-tests assets
	LEPTOS_SITE_ROOT='$(TEST_SITE_ROOT)' cargo leptos build
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-rust
	$(MAKE) --no-print-directory test-api
	$(MAKE) --no-print-directory test-e2e

test-rust:
	SWITCHBOARD_TESTMODE_LATENCY=off RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo test -p switchboard-core -p server

test-e2e:
	cd end2end && E2E_SITE_ROOT='$(TEST_SITE_ROOT)' npx playwright test

# Schemathesis against the running server, from the OpenAPI document (3 minutes at most).
test-api:
	E2E_SITE_ROOT='$(TEST_SITE_ROOT)' scripts/api-fuzz.sh $(API_FUZZ_SECONDS)

check:
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo check -p server --tests
	cargo check -p frontend --target wasm32-unknown-unknown

fmt:
	cargo fmt --all

lint:
	scripts/check-layers.sh
	scripts/check-migrations.sh
	RUSTFLAGS="$(TEST_RUSTFLAGS)" cargo clippy -p switchboard-core -p app -p server --tests -- -D warnings

# Import throughput on the legacy sample copied 100 times (README: Benchmarks).
bench-import:
	scripts/bench-import.sh

# Analytics endpoints over 3,000 campaigns x 730 days, against DuckDB (README: Benchmarks).
bench-analytics:
	scripts/bench-analytics.sh

# Executor and SSE fan-out (README: Benchmarks); ARGS="--runs 1000 --subscribers 1000".
bench-runs:
	cargo run --release -p server --example bench_runs -- $(ARGS)

# Memory at 100,000 learnings: writes, recall and growth when runs repeat (README: Benchmarks);
# ARGS="--memories 100000 --writes 1000 --recalls 1000 --runs 1000 --rounds 10".
bench-memory:
	cargo run --release -p server --example bench_memory -- $(ARGS)

# The A/B calculator: 10,000 tests a call over HTTP (README: Benchmarks); ARGS="--tests 10000 --calls 50".
bench-ab:
	cargo run --release -p server --example bench_ab -- $(ARGS)
