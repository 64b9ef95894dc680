# SPDX-License-Identifier: GPL-2.0
# linux-console-input: with --console serial, the launcher's stdin reaches
# the guest's serial console (ttyS0, through the UART's receiver).
# Once the guest says it is ready, the host writes one line into the
# launcher's stdin; the guest must print it back as "@@GUEST got: <line>".
. "$LG_TOP/tests/host/lib.sh"

load_lguest
line="lguest console input $$ $(date +%s)"
rm -f /tmp/ci.in
mkfifo /tmp/ci.in || fail "mkfifo"
exec 3<>/tmp/ci.in
step "boot, then type '$line'"
lg_stdin=/tmp/ci.in lg_run_stamped ci "$LG_LAUNCHER" --kernel "$LG_GUEST_KERNEL" \
	--initrd "$LG_LINUX_INITRD" --mem 256M --console serial \
	--append "$LG_LINUX_APPEND lgtest=console-input" &
job=$!
i=0
while [ -z "$(linux_at ci "@@GUEST console-input ready")" ]; do
	kill -0 $job 2>/dev/null || break
	i=$((i + 1))
	[ $i -lt 1200 ] || break
	sleep 0.1
done
if [ -n "$(linux_at ci "@@GUEST console-input ready")" ]; then
	echo "$line" >&3
fi
wait $job
exec 3>&-
linux_show ci
expect_linux_init ci
[ -n "$(linux_at ci "@@GUEST console-input ready")" ] || fail "the guest never got ready to read"
got=$(linux_text ci "@@GUEST got: ")
[ "$got" = "@@GUEST got: $line" ] || fail "the guest read '${got#@@GUEST got: }', want '$line'"
expect_linux_pass ci console-input
echo "linux-console-input: the guest read the line typed into the launcher"
