# Project tasks. Other blocks may be added by other parts of the project; keep each
# block self-contained.

.PHONY: all
all:
	cargo build --release

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
