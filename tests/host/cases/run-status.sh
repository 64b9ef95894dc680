# SPDX-License-Identifier: GPL-2.0
# run-status: "lguest run -- CMD" exits with CMD's status (0, 1, 7, 255),
# 128+N for death by signal N, 127 not found, 126 not executable, 124 on
# --timeout (the guest gone, nothing left behind), 125 with one "lguest: "
# line when lguest itself fails (bad option, no command, no module, a
# panicking guest kernel).  Every row is one throwaway guest.
. "$LG_TOP/tests/host/lib.sh"

L=$LG_LAUNCHER
printf 'echo not executable\n' > /tmp/noexec.sh
chmod 644 /tmp/noexec.sh

# expect_run WANT_RC STDERR_PATTERN ARGS...: run, check the status and that
# stderr matches the extended regex ("" for: stderr empty).
expect_run() {
	_want=$1 _pat=$2
	shift 2
	timeout -k 2 120 "$L" run "$@" </dev/null >/tmp/rs.out 2>/tmp/rs.err
	_rc=$?
	echo "run $*: status $_rc, stderr '$(head -c 200 /tmp/rs.err | tr '\n' '|')'"
	[ "$_rc" = "$_want" ] || fail "lguest run $*: status $_rc, want $_want"
	if [ -z "$_pat" ]; then
		[ ! -s /tmp/rs.err ] || fail "lguest run $*: stderr not empty"
	else
		[ "$(wc -l < /tmp/rs.err)" = 1 ] || fail "lguest run $*: want one line on stderr"
		grep -Eq "$_pat" /tmp/rs.err || fail "lguest run $*: stderr does not match '$_pat'"
	fi
}

step "no module: 125"
expect_run 125 '^lguest: /dev/lguest not found: load the module first' -- true
load_lguest dev
base=$(cat /sys/module/lguest/refcnt)

step "lguest's own failures: 125, one line"
expect_run 125 "^lguest: unknown option '--bogus'" --bogus -- true
expect_run 125 '^lguest: no command' --
expect_run 125 "^lguest: cannot open kernel '/nonexistent': No such file" --kernel /nonexistent -- true
expect_run 125 '^lguest: --timeout 0: want whole seconds' --timeout 0 -- true

step "the command's own statuses"
expect_run 0 '' -- true
expect_run 1 '' -- false
expect_run 7 '' -- sh -c 'exit 7'
expect_run 255 '' -- sh -c 'exit 255'
step "death by a signal: 128 + N"
expect_run 143 '' -- sh -c 'kill -TERM $$'
expect_run 137 '' -- sh -c 'kill -KILL $$'
step "not found, not executable"
expect_run 127 '^lguest: nosuchcmd: No such file or directory' -- nosuchcmd
expect_run 126 '^lguest: /noexec.sh: Permission denied' --file /tmp/noexec.sh:/noexec.sh -- /noexec.sh
step "the guest's kernel panics: 125"
expect_run 125 "^lguest: the guest's kernel panicked" -- sh -c 'echo c > /proc/sysrq-trigger'

step "--timeout: 124, and nothing left behind"
lg_csecs
t0=$lg_csecs
expect_run 124 '^lguest: timed out after 3 seconds' --timeout 3 -- sleep 1000
lg_csecs
t1=$lg_csecs
echo "timed out after $(( (t1 - t0) / 100 )).$(( (t1 - t0) % 100 )) s"
[ $((t1 - t0)) -lt 2000 ] || fail "--timeout 3 took $(( (t1 - t0) / 100 )) s"
i=0
while [ "$(cat /sys/module/lguest/refcnt)" != "$base" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "$(cat /sys/module/lguest/refcnt)" = "$base" ] ||
	fail "lguest.ko still has $(cat /sys/module/lguest/refcnt) users after the timeout (want $base)"
pgrep -f "lguest run" > /dev/null && fail "a launcher is still running after its timeout"
rmmod lguest_dev || fail "rmmod lguest_dev after the runs"
rmmod lguest || fail "rmmod lguest after the runs: a guest was left behind"
echo "run-status: every status as documented"
