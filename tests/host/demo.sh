# SPDX-License-Identifier: GPL-2.0
# demo.sh - "make demo" inside the test host: load both modules, show what
# they made, then hand the console to an interactive shell.  Leaving the
# shell (exit, or Ctrl-D) powers the test host off.
. "$LG_TOP/tests/host/lib.sh"

echo "== lguest demo: test host $(uname -r), CPU flags: $(grep -o -w -E 'svm|npt' /proc/cpuinfo | sort -u | tr '\n' ' ')"
load_lguest dev
dmesg | grep -E 'lguest(_dev)?:'
ls -l /dev/lguest
"$LG_LAUNCHER" --version
echo "== the launcher is $LG_LAUNCHER; exit the shell to power off"
cd "$LG_TOP" || exit 1
setsid -c bash -i </dev/ttyS0 >/dev/ttyS0 2>&1
