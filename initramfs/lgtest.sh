# SPDX-License-Identifier: GPL-2.0
# lgtest.sh - what the guest tests in /tests share (sourced, not run):
# saying PASS or FAIL in the form the host looks for, and waiting for a
# virtio disk whose node may appear a moment after the driver binds.
# A test sets $name before using these.

# pass MSG / fail MSG: the verdict line; fail also exits.
pass() {
	echo "@@GUEST $name PASS $*"
}
fail() {
	echo "@@GUEST $name FAIL $*"
	exit 1
}

# wait_disk DEV...: wait up to 5 s for each /dev/DEV to be a block device.
wait_disk() {
	for _d in "$@"; do
		_i=0
		while [ ! -b "/dev/$_d" ] && [ $_i -lt 10 ]; do
			sleep 0.5
			_i=$((_i + 1))
		done
		[ -b "/dev/$_d" ] || fail "no /dev/$_d"
	done
}
