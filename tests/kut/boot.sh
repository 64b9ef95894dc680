# SPDX-License-Identifier: GPL-2.0
# boot.sh - sourced by tests/host/kut.sh and tests/host/cases/bench-kut.sh
# (after tests/host/lib.sh): boot one kvm-unit-tests image the way the
# suite's x86/run boots it, under KVM + QEMU or under our launcher, with
# the modules already loaded.  The suite stays in build/kut (external).

# kut_boot MODE IMAGE SMP MEM SECS OUT ERR QPARAMS ARGS: boot IMAGE with
# SMP vCPUs and MEM MiB for at most SECS seconds, its serial output in OUT
# and its stderr in ERR.  MODE kvm: QEMU with -machine accel=kvm and the
# suite's devices, plus QPARAMS (a word list, "" for none; as in x86/run,
# MEM is QEMU's default 128 MiB unless QPARAMS has -m); MODE npt or
# shadow: the launcher with that --paging mode, "" its default (QPARAMS has
# no launcher equivalent).  ARGS is the test's command line, "" for none.
# Sets kut_rc to the exit status (124 or 137: timed out).
kut_boot() {
	_kb_mode=$1 _kb_img=$2 _kb_smp=$3 _kb_mem=$4 _kb_secs=$5 _kb_out=$6 _kb_err=$7
	_kb_qp=$8 _kb_args=$9
	if [ "$_kb_mode" = kvm ]; then
		# shellcheck disable=SC2086 # qemu_params is a word list
		timeout -k 2 "$_kb_secs" qemu-system-x86_64 --no-reboot -nodefaults \
			-global kvm-pit.lost_tick_policy=discard -device pc-testdev \
			-device isa-debug-exit,iobase=0xf4,iosize=0x4 -display none \
			-serial stdio -device pci-testdev -machine accel=kvm \
			-kernel "$_kb_img" -smp "$_kb_smp" $_kb_qp \
			${_kb_args:+-append "$_kb_args"} > "$_kb_out" 2> "$_kb_err"
		kut_rc=$?
		# As the suite's scripts: QEMU's warnings alone are no failure.
		grep -qvi warning "$_kb_err" || : > "$_kb_err"
		return 0
	fi
	# The environment the suite reads from its initrd (lib/x86/fwcfg.c)
	# in place of QEMU's fw_cfg device: CPU count, RAM size, no limit on
	# the RAM it may use, and no pc-testdev.
	_kb_env=$_kb_out.env
	printf 'NR_CPUS=%s\nMEMSIZE=%s\nMEMLIMIT=0\nTEST_DEVICE=0\n' "$_kb_smp" "$_kb_mem" > "$_kb_env"
	set -- --kernel "$_kb_img" --initrd "$_kb_env" --mem "${_kb_mem}M" --cpus "$_kb_smp"
	[ -z "$_kb_mode" ] || set -- "$@" --paging "$_kb_mode"
	timeout -k 2 "$_kb_secs" "$LG_LAUNCHER" "$@" ${_kb_args:+--append "$_kb_args"} \
		> "$_kb_out" 2> "$_kb_err"
	kut_rc=$?
	rm -f "$_kb_env"
}
