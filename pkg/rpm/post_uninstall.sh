# %postun of ocsinventory-agent ($1 = 0 on erase, 1 on upgrade): %systemd_postun_with_restart,
# and on erase the state the agent made.
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
    if [ "$1" -ge 1 ]; then
        systemctl try-restart ocsinventory-agent.service >/dev/null 2>&1 || :
    fi
fi
if [ "$1" -eq 0 ]; then
    rm -rf /var/lib/ocsinventory-agent
fi
