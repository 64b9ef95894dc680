# SPDX-License-Identifier: GPL-2.0
# guest-rows.sh NAME - the raw-guest case guest-NAME, as the rows named NAME
# in tests/guests/cases.tsv say (hostinit.sh runs this for a guest-* case
# with no tests/host/cases file): lguest.ko loaded, each row's guest run and
# judged in turn with its hook (guest-hooks.sh) around it, then unloaded.
. "$LG_TOP/tests/host/lib.sh"
. "$LG_TOP/tests/host/guest-hooks.sh"

name=$1
table=$LG_TOP/tests/guests/cases.tsv
# The paging the suite gave the module (run.sh --paging): auto is npt here.
mode=npt
[ "${LG_PAGING:-}" != shadow ] || mode=shadow

# next_want: take the first of the |-separated patterns in $want into
# $pat (want then holds the rest); fail if none is left.
next_want() {
	[ -n "$want" ] || return 1
	pat=${want%%|*}
	case $want in
	*"|"*) want=${want#*|} ;;
	*) want= ;;
	esac
}

# row_check: judge the last run (guest_out, guest_err, guest_rc) by the
# row: its exit status, its stderr (none, or the one "lguest: guest killed:
# REASON" line), the guest's verdict line, and its console output.
row_check() {
	_gn=${image%-short}
	_pass= _fail= _ran= _nerr=0 _err=
	while IFS= read -r _l || [ -n "$_l" ]; do
		case $_l in
		"$_gn: PASS"*) _pass=$_l ;;
		"$_gn: FAIL"*) _fail=${_fail:-$_l} ;;
		esac
		case $_l in "$_gn: "*) _ran=1 ;; esac
	done < "$guest_out"
	while IFS= read -r _l || [ -n "$_l" ]; do
		_nerr=$((_nerr + 1)) _err=${_err:-$_l}
	done < "$guest_err"
	if [ "$status" = 0 ]; then
		[ -z "$_fail" ] || fail "$_fail"
		[ -n "$_pass" ] || fail "$image printed no '$_gn: PASS' line"
	else
		[ -n "$_ran" ] || fail "$image never ran (no '$_gn: ' line)"
		[ -z "$_pass" ] || fail "$image passed, but must not: $_pass"
	fi
	[ "$guest_rc" = "$status" ] ||
		fail "launcher exit status $guest_rc for $image, want $status"
	if [ "$reason" = - ]; then
		[ $_nerr = 0 ] || fail "the launcher wrote to stderr: $_err"
	else
		[ -z "$_fail" ] || fail "$image survived: $_fail"
		[ $_nerr = 1 ] || fail "$_nerr stderr lines, want one"
		case $_err in
		"lguest: guest killed: "$reason) ;;
		*) fail "stderr is not 'lguest: guest killed: $reason'" ;;
		esac
	fi
	want=$output
	case $want in
	-) ;;
	=*)
		# The output is exactly these lines, each ended by a newline.
		want=${want#=}
		while IFS= read -r _l; do
			next_want || fail "$image printed more than the row's lines: '$_l'"
			case $_l in
			$pat) ;;
			*) fail "$image printed '$_l' where the row wants '$pat'" ;;
			esac
		done < "$guest_out"
		[ -z "$_l" ] || fail "$image's last line has no newline: '$_l'"
		! next_want || fail "$image's output ended before '$pat'"
		;;
	*)
		while next_want; do
			_hit=
			while IFS= read -r _l || [ -n "$_l" ]; do
				case $_l in $pat) _hit=1; break ;; esac
			done < "$guest_out"
			[ -n "$_hit" ] || fail "$image printed no line '$pat'"
		done
		;;
	esac
}

# hook_has PHASE: the row's hook defines HOOK_PHASE.
hook_has() {
	[ "$hook" != - ] && command -v "${hook}_$1" > /dev/null
}

# module_up: load lguest.ko unless it is (a hook may have unloaded it).
module_up() {
	[ -d /sys/module/lguest ] || load_lguest
}

# The case's rows, taken from the table in one read: the shell's read
# takes a byte a system call, and each is a round trip over 9p here.
rows=$(awk -F'\t' -v n="$name" '$1 == n' "$table")
n=0 ran=0
while IFS='	' read -r rname image flags status reason output paging hook <&3; do
	[ -n "$rname" ] || continue
	n=$((n + 1))
	case $hook in
	''|*'	'*) fail "row $n of $name: want 8 tab-separated columns ('-' for none)" ;;
	esac
	if [ "$hook" != - ] && ! hook_has before && ! hook_has run &&
			! hook_has after; then
		fail "row $n of $name: no hook function ${hook}_before, _run or _after"
	fi
	case $paging in
	both) ;;
	npt|shadow)
		if [ "$paging" != "$mode" ]; then
			step "row $n skipped: it is for $paging paging, this suite's is $mode"
			continue
		fi
		;;
	*) fail "row $n of $name: paging '$paging', want both, npt or shadow" ;;
	esac
	ran=$((ran + 1))
	image=${image%.bin} image=${image%.mb}
	[ "$flags" != - ] || flags=
	module_up
	guest_stdin=
	! hook_has before || "${hook}_before"
	step "$image.bin${flags:+ $flags}"
	if hook_has run; then
		"${hook}_run"
	elif [ -n "$guest_stdin" ]; then
		# shellcheck disable=SC2086 # flags is a word list
		run_guest lguest "$image" $flags < "$guest_stdin"
	else
		# shellcheck disable=SC2086
		run_guest lguest "$image" $flags
	fi
	row_check
	! hook_has after || "${hook}_after"
	if [ "$status" != 0 ]; then
		step "the module still runs guests"
		module_up
		expect_guest_pass lguest hello --mem 16M
	fi
done 3<<END
$rows
END
[ $n -gt 0 ] || fail "no row '$name' in $table"
if [ -d /sys/module/lguest ]; then
	rmmod lguest || fail "rmmod lguest failed"
fi
[ $ran -gt 0 ] || echo "guest-$name: skipped: no row for $mode paging"
[ $ran = 0 ] || echo "guest-$name: ok"
