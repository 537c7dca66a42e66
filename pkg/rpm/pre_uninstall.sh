# %preun of ocsinventory-agent ($1 = 0 on erase): %systemd_preun.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
    systemctl --no-reload disable --now ocsinventory-agent.service >/dev/null 2>&1 || :
fi
