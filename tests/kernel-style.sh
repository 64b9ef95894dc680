#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kernel-style.sh - the kernel's own checkers on our kernel files, as an
# upstream submission would meet them: "scripts/kernel-doc -none" prints
# nothing, and "scripts/checkpatch.pl --file" reports no ERROR or WARNING
# that tests/checkpatch.ignore does not list (nor does that file list one
# that no longer occurs).  One PASS/FAIL line per checker.
#
# The files: every drivers/lguest/*.[chS] and drivers/lguest_dev/*.[ch]
# but the generated ones (*.mod.c, lg-asm-offsets.h), the backend header
# and the uapi header; kernel-doc also reads the launcher library's
# header, tools/lguest/liblguest.h.
#
# The checkers come from the kernel source tree $KSRC (default
# build/intree/linux-source-6.1, if present).  Without one, kernel-doc is
# the installed headers' (linux-kbuild ships it: $KDIR/scripts, KDIR as
# the Makefile has it) and checkpatch.pl, which no headers package ships,
# is taken once from /usr/src/linux-source-6.1.tar.xz (or $KSRC_TAR) into
# build/cache/kstyle.  A checker found nowhere is a SKIP.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
ignore=tests/checkpatch.ignore
status=0

# The files, by glob: a new source file is checked without being named.
files=''
nfiles=0
for f in drivers/lguest/*.[chS] drivers/lguest_dev/*.[ch] \
	 include/linux/lguest_backend.h include/uapi/linux/lguest.h; do
	case $f in
	*.mod.c|drivers/lguest/lg-asm-offsets.h) continue ;;	# generated
	esac
	[ -f "$f" ] || continue
	files="$files $f"
	nfiles=$((nfiles + 1))
done
kdoc_files="$files tools/lguest/liblguest.h"

# Where the checkers are.
if [ -n "${KSRC:-}" ]; then
	[ -f "$KSRC/scripts/checkpatch.pl" ] || {
		echo "FAIL kernel-style: KSRC=$KSRC has no scripts/checkpatch.pl"
		exit 1
	}
elif [ -d build/intree/linux-source-6.1/scripts ]; then
	KSRC=$top/build/intree/linux-source-6.1
fi
kver=$(sed -n 's/^KVER := //p' build/config.mk 2>/dev/null)
kdir=${KDIR:-/usr/src/linux-headers-${kver:-$(uname -r)}}
kdoc='' cp=''
if [ -n "${KSRC:-}" ]; then
	kdoc=$KSRC/scripts/kernel-doc
	cp=$KSRC/scripts/checkpatch.pl
else
	[ -f "$kdir/scripts/kernel-doc" ] && kdoc=$kdir/scripts/kernel-doc
	cache=build/cache/kstyle
	tarball=${KSRC_TAR:-/usr/src/linux-source-6.1.tar.xz}
	if [ ! -f "$cache/scripts/checkpatch.pl" ] && [ -f "$tarball" ]; then
		# checkpatch.pl reads the two data files beside it.
		rm -rf "$cache.tmp" && mkdir -p "$cache.tmp" &&
		tar -xJf "$tarball" -C "$cache.tmp" --strip-components=1 \
			linux-source-6.1/scripts/checkpatch.pl \
			linux-source-6.1/scripts/spelling.txt \
			linux-source-6.1/scripts/const_structs.checkpatch &&
		rm -rf "$cache" && mv "$cache.tmp" "$cache"
	fi
	[ -f "$cache/scripts/checkpatch.pl" ] && cp=$top/$cache/scripts/checkpatch.pl
fi

# kernel-doc: any output at all is a failure.
if [ -z "$kdoc" ] || [ ! -f "$kdoc" ]; then
	echo "SKIP kernel-style/kernel-doc: no kernel source tree (KSRC) and no $kdir/scripts/kernel-doc"
else
	# shellcheck disable=SC2086 # word lists of file names without spaces
	out=$(perl "$kdoc" -none $kdoc_files 2>&1)
	if [ -z "$out" ]; then
		echo "PASS kernel-style/kernel-doc ($((nfiles + 1)) files, $kdoc)"
	else
		echo "$out" | sed 's/^/  /'
		echo "FAIL kernel-style/kernel-doc: $(echo "$out" | wc -l) lines of complaints"
		status=1
	fi
fi

# checkpatch.pl: every ERROR and WARNING must be listed in $ignore.
if [ -z "$cp" ]; then
	echo "SKIP kernel-style/checkpatch: no kernel source tree (KSRC) and no $tarball"
	exit $status
fi
mkdir -p build
# shellcheck disable=SC2086
perl "$cp" --no-tree --file --terse --show-types $files > build/kernel-style.cp 2>&1
cprc=$?
verdict=$(awk -v cprc="$cprc" '
	# glob2re: a shell pattern (* and ?) as an anchored regex.
	function glob2re(g) {
		gsub(/[.+^$(){}|\[\]\\]/, "\\\\&", g)
		gsub(/\*/, ".*", g)
		gsub(/\?/, ".", g)
		return "^" g "$"
	}
	# src(FILE, N): line N of FILE.
	function src(f, n,   l, i) {
		if (!(f in loaded)) {
			loaded[f] = 1
			i = 0
			while ((getline l < f) > 0)
				text[f, ++i] = l
			close(f)
		}
		return text[f, n]
	}
	FNR == NR {
		if ($0 ~ /^[[:space:]]*(#|$)/)
			next
		n++
		type[n] = $1
		glob[n] = glob2re($2)
		re[n] = $3 ~ /^~/ ? substr($3, 2) : ""
		entry[n] = $1 " " $2 ($3 ~ /^~/ ? " " $3 : "")
		next
	}
	/^total: / { next }
	/^[^:]+:[0-9]+: (ERROR|WARNING):[A-Z0-9_]+:/ {
		split($0, p, ":")
		t = p[4]
		for (i = 1; i <= n; i++)
			if (type[i] == t && p[1] ~ glob[i] &&
			    (re[i] == "" || src(p[1], p[2] + 0) ~ re[i])) {
				used[i]++
				ignored++
				next
			}
		print "  " $0
		bad++
		next
	}
	# Anything else (checkpatch.pl failing, say) is a failure too.
	{ print "  " $0; bad++ }
	END {
		for (i = 1; i <= n; i++)
			if (!used[i]) {
				print "  stale entry in tests/checkpatch.ignore: " entry[i]
				stale++
			}
		# With --terse a clean file prints nothing: the exit status
		# (0 clean, 1 something reported) is the proof that it ran.
		if (cprc != (bad + ignored ? 1 : 0)) {
			print "  checkpatch.pl exited with status " cprc
			bad++
		}
		printf "@@ %d %d %d\n", bad, stale, ignored
	}' "$ignore" build/kernel-style.cp)
echo "$verdict" | grep -v '^@@ '
# shellcheck disable=SC2046 # three numbers
set -- $(echo "$verdict" | sed -n 's/^@@ //p')
if [ "$1" = 0 ] && [ "$2" = 0 ]; then
	echo "PASS kernel-style/checkpatch ($nfiles files, $3 warnings as $ignore allows, $cp)"
else
	echo "FAIL kernel-style/checkpatch: $1 not allowed by $ignore, $2 stale entries there"
	status=1
fi
exit $status
