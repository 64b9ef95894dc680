#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# manpage.sh - tools/lguest/lguest.1 stays clean and true, on this machine
# in a second: man-db (as lintian runs it), groff and mandoc format it
# without a warning; every option that "lguest --help" and "lguest run
# --help" print has its entry, short option included, in the page's part
# for that command; every module_param of drivers/ has its entry under
# MODULE PARAMETERS (with its module and its default); every variable the
# launcher getenv()s is under ENVIRONMENT; every status of each help's
# "Exit status" is under EXIT STATUS; make install puts the page in
# share/man/man1 naming the built-in DATADIR that "lguest run --help"
# prints.  Nothing is hard-coded: the lists come from the binary and the
# sources.  Prints "PASS manpage/<case>" or "FAIL manpage/<case>: <why>".
top=$(cd "$(dirname "$0")/.." && pwd)
page=$top/tools/lguest/lguest.1
lg=$top/tools/lguest/lguest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset LGUEST_DATADIR

check() {
	if [ -z "$2" ]; then echo "PASS manpage/$1"; else echo "FAIL manpage/$1: $2"; fi
}

# --- Formatting: no warning from any of the three formatters. ---
# man-db, exactly as lintian's manpage-has-errors-from-man check runs it.
why=
if ! command -v man > /dev/null; then
	why="no man (man-db: scripts/deps.sh installs it)"
else
	out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 > /dev/null)
	[ -z "$out" ] || why=$(echo "$out" | head -n 3 | tr '\n' ' ')
fi
check man-warnings "$why"

why=
if ! command -v groff > /dev/null; then
	why="no groff (groff-base: scripts/deps.sh installs it)"
else
	out=$(groff -man -ww -z "$page" 2>&1)
	[ -z "$out" ] || why=$(echo "$out" | head -n 3 | tr '\n' ' ')
fi
check groff-warnings "$why"

if command -v mandoc > /dev/null; then
	out=$(mandoc -T lint "$page" 2>&1)
	[ -z "$out" ] && why= || why=$(echo "$out" | head -n 3 | tr '\n' ' ')
	check mandoc-lint "$why"
else
	echo "SKIP manpage/mandoc-lint: no mandoc"
fi

# --- Contents. ---
# The page as plain words: \- is -, no font escapes, the DATADIR string.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(en/-/g' -e 's/\\(dq/"/g' \
    -e 's/\\~/ /g' -e 's/\\ / /g' -e 's/\\&//g' -e 's/\\\*(LD/DATADIR/g' \
    "$page" > "$tmp/page"

# sect SH [SS]: the lines of section SH (its .SS parts whose title starts
# with SS, if given).
sect() {
	awk -v sh="$1" -v ss="${2:-}" '
		/^\.SH / { t = substr($0, 5); gsub(/"/, "", t); in_sh = (t == sh); in_ss = (ss == ""); next }
		/^\.SS / { t = substr($0, 5); gsub(/"/, "", t); if (ss != "") in_ss = (index(t, ss) == 1); next }
		in_sh && in_ss' "$tmp/page"
}

# tags SH [SS]: the tag lines (after .TP or .TQ) of that part.
tags() {
	sect "$@" | awk 'p { print } { p = /^\.T[PQ]/ }'
}

# has TEXT-FILE WORD: WORD stands alone in the file (option/parameter names).
has() {
	grep -qE -- "(^|[^A-Za-z0-9_-])$2([^A-Za-z0-9_-]|\$)" "$1"
}

# opts NAME SS EXIT CMD...: every option of "CMD --help" has a tag in the
# OPTIONS part SS, as "-s, --long" where the help pairs them; every --word
# the help mentions anywhere is in the page; every status of its "Exit
# status" paragraph is in the EXIT STATUS part EXIT.
opts() {
	name=$1
	ss=$2
	xss=$3
	shift 3
	why=
	if ! "$@" --help > "$tmp/help" 2>&1; then
		check "options/$name" "'$* --help' failed: $(head -c 200 "$tmp/help")"
		return
	fi
	tags OPTIONS "$ss" > "$tmp/tags"
	[ -s "$tmp/tags" ] || why="no \"$ss\" part with tagged options under OPTIONS; "
	# The option lines: "  -k, --kernel FILE ..." or "      --rng ...".
	sed -n 's/^ \{1,8\}\(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\1\2/p' "$tmp/help" \
		> "$tmp/optlines"
	n=$(wc -l < "$tmp/optlines")
	[ "$n" -ge 5 ] || why="${why}only $n option lines in '$* --help'; "
	while IFS= read -r o; do
		has "$tmp/tags" "$o" || why="${why}no entry for '$o' under OPTIONS/$ss; "
	done < "$tmp/optlines"
	# shellcheck disable=SC2013 # option names are single words
	for o in $(grep -oE -- '--[a-z][a-z0-9-]*' "$tmp/help" | sort -u); do
		has "$tmp/page" "$o" || why="${why}'$o' of '$* --help' is not in the page; "
	done
	check "options/$name" "$why"
	# Its exit statuses: each number (or 128+N) of the help's paragraph.
	why=
	sed -n '/^Exit status:/,/^$/p' "$tmp/help" |
		grep -oE '[0-9A-Za-z+]+' | grep -E '^([0-9]+|0x[0-9a-f]+|[0-9]+\+N)$' |
		sort -u > "$tmp/statuses"
	[ -s "$tmp/statuses" ] || why="no \"Exit status:\" paragraph in '$* --help'; "
	sect "EXIT STATUS" "$xss" > "$tmp/exit"
	[ -s "$tmp/exit" ] || why="${why}no \"$xss\" part under EXIT STATUS; "
	while IFS= read -r s; do
		esc=$(echo "$s" | sed 's/+/\\+/')
		has "$tmp/exit" "$esc" || why="${why}status $s not under EXIT STATUS/$xss; "
	done < "$tmp/statuses"
	check "exit-status/$name" "$why"
}

if [ ! -x "$lg" ]; then
	check options "no $lg (make launcher)"
else
	opts lguest "Options of lguest --kernel" "lguest --kernel" "$lg"
	opts run "Options of lguest run" "lguest run" "$lg" run
fi

# Every module parameter, by the name module_param*() gives it, tagged under
# MODULE PARAMETERS with its module and, for a plain variable, its default.
why=
tags "MODULE PARAMETERS" > "$tmp/ptags"
grep -rnoE 'module_param(_named|_cb|_array|_string|_unsafe)?\( *[a-z_0-9]+' \
	--include='*.c' "$top/drivers" > "$tmp/params"
[ -s "$tmp/params" ] || why="no module_param in drivers/; "
: > "$tmp/mods"
while IFS=: read -r file _ text; do
	p=$(echo "$text" | sed 's/.*( *//')
	mod=$(echo "${file#"$top"/drivers/}" | cut -d/ -f1).ko
	echo "$mod" >> "$tmp/mods"
	grep -E -- "(^|[^a-z0-9_])$p([^a-z0-9_]|\$)" "$tmp/ptags" > "$tmp/ptag"
	if [ ! -s "$tmp/ptag" ]; then
		why="${why}no entry for $mod's '$p' under MODULE PARAMETERS; "
		continue
	fi
	grep -qF "($mod" "$tmp/ptag" || why="${why}'$p' is not said to be $mod's; "
	def=$(sed -n "s/^static [a-z ]*[ *]$p = \([0-9][0-9]*\);.*/\1/p" "$file")
	if [ -n "$def" ] && ! grep -qE "default $def([^0-9]|\$)" "$tmp/ptag"; then
		why="${why}'$p' has no \"default $def\"; "
	fi
done < "$tmp/params"
for d in "$top"/drivers/*/; do
	mod=$(basename "$d").ko
	if grep -qxF "$mod" "$tmp/mods" && sect "MODULE PARAMETERS" | grep -qF "$mod has no parameters"; then
		why="${why}the page says $mod has no parameters; "
	fi
done
check module-parameters "$why"

# Every environment variable the launcher reads.
why=
tags ENVIRONMENT > "$tmp/etags"
# shellcheck disable=SC2013 # variable names are single words
for v in $(grep -ohE 'getenv\("[A-Za-z_0-9]+"\)' "$top"/tools/lguest/*.c | sed 's/.*("\(.*\)")/\1/' | sort -u); do
	has "$tmp/etags" "$v" || why="${why}no entry for $v under ENVIRONMENT; "
done
check environment "$why"

# make install: the page in share/man/man1, naming the DATADIR built in.
why=
if make -s -C "$top/tools/lguest" install DESTDIR="$tmp/root" PREFIX=/usr > "$tmp/install.log" 2>&1; then
	inst=$tmp/root/usr/share/man/man1/lguest.1
	kernel=$("$lg" run --help | sed -n 's/.*(default: \(.*\)\/vmlinux).*/\1/p')
	if [ ! -f "$inst" ]; then
		why="no share/man/man1/lguest.1 after make install"
	elif [ -z "$kernel" ]; then
		why="'lguest run --help' names no default kernel"
	elif ! groff -man -Tascii -P-cbou -rLL=2000n "$inst" 2>&1 | grep -qF "$kernel/vmlinux"; then
		why="the installed page does not name $kernel/vmlinux"
	else
		out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "$inst" 2>&1 > /dev/null)
		[ -z "$out" ] || why="the installed page: $(echo "$out" | head -n 2 | tr '\n' ' ')"
	fi
else
	why="make install failed: $(tail -n 3 "$tmp/install.log" | tr '\n' ' ')"
fi
check install "$why"
