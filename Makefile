# ocsinventory-agent — build, test, benchmark, install.

CARGO ?= cargo
PREFIX ?= /usr/local
BIN := target/release/ocsinventory-agent

.PHONY: all build inventory test lint bench

all: build

build:
	$(CARGO) build --release

# This machine's inventory on stdout, with no server.
inventory:
	$(CARGO) run --release --quiet -- --stdout

# The test suite (unit tests and the end-to-end tests in t/).
test:
	$(CARGO) test --release

lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets -- -D warnings

# Local inventory cost against fusioninventory-agent --local, same machine, same run.
bench: build
	sh t/bench/inventory.sh
