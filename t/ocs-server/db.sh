#!/usr/bin/env bash
# The mariadb client on the test server's ocsweb database (socket only), e.g.
#   bash t/ocs-server/db.sh -N -e "SELECT NAME FROM hardware"
exec mariadb --no-defaults -S "${OCS_TESTSRV_DIR:-/var/lib/ocsinv-agent-testsrv}/run/mysqld.sock" -uroot ocsweb "$@"
