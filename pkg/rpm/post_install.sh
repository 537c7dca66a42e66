# %post of ocsinventory-agent ($1 = 1 on install, 2 on upgrade): the state directory,
# then the unit the RHEL way (%systemd_post: preset on first install, no start).
mkdir -p -m 0750 /var/lib/ocsinventory-agent
if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || :
    if [ "$1" -eq 1 ]; then
        systemctl --no-reload preset ocsinventory-agent.service >/dev/null 2>&1 || :
    fi
fi
