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

# ---- integration: the real OCS Inventory server (t/ocs-server/, needs root) -------
# Two server instances (A: 18080/18443/18444, B: 18090/18453/18454), then the
# Cargo test that checks what lands in their databases.
TESTSRV_B = OCS_TESTSRV_DIR=/var/lib/ocsinv-agent-testsrv-b OCS_HTTP_PORT=18090 \
            OCS_HTTPS_PORT=18453 OCS_BADNAME_PORT=18454

.PHONY: integration integration-servers integration-stop
integration: integration-servers
	OCS_INTEGRATION=1 cargo test --release --test integration_ocs -- --test-threads=1

integration-servers:
	bash t/ocs-server/start.sh
	$(TESTSRV_B) bash t/ocs-server/start.sh

integration-stop:
	bash t/ocs-server/stop.sh
	$(TESTSRV_B) bash t/ocs-server/stop.sh
# ---- end of integration block ----------------------------------------------------
