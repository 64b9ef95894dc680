#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# liblguest.sh - liblguest as a user would take it, on this machine (no
# module needed): installed into a scratch prefix, the example program
# built through pkg-config against the shared library and the static one;
# each runs and fails the way a program without /dev/lguest must (one
# sentence, status 125); the shared library exports the API and nothing
# else.  Prints "PASS liblguest/<case>" or "FAIL liblguest/<case>: <why>".
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lg=$top/tools/lguest

check() {
	if [ -z "$2" ]; then echo "PASS liblguest/$1"; else echo "FAIL liblguest/$1: $2"; fi
}

why=
make -s -C "$lg" install DESTDIR="$tmp/root" PREFIX=/opt/lguest > "$tmp/install.log" 2>&1 ||
	why="make install failed: $(tail -n 3 "$tmp/install.log" | tr '\n' ' ')"
for f in opt/lguest/include/liblguest.h opt/lguest/lib/liblguest.a opt/lguest/lib/liblguest.so.1 \
	 opt/lguest/lib/liblguest.so opt/lguest/lib/pkgconfig/liblguest.pc; do
	[ -e "$tmp/root/$f" ] || why="${why}no $f; "
done
check install "$why"

# pkg-config, pointed at the scratch prefix as a packager's sysroot is.
pc() {
	PKG_CONFIG_SYSROOT_DIR=$tmp/root PKG_CONFIG_LIBDIR=$tmp/root/opt/lguest/lib/pkgconfig \
		pkg-config "$@" liblguest
}
why=
cflags=$(pc --cflags) && libs=$(pc --libs) && slibs=$(pc --static --libs) ||
	why="pkg-config does not know liblguest"
if [ -z "$why" ]; then
	${CC:-cc} $cflags -o "$tmp/ex-shared" "$lg/example/lgexample.c" $libs 2> "$tmp/cc.log" ||
		why="shared build: $(head -c 300 "$tmp/cc.log")"
	${CC:-cc} $cflags -static -o "$tmp/ex-static" "$lg/example/lgexample.c" $slibs \
		2> "$tmp/cc2.log" || why="${why}static build: $(head -c 300 "$tmp/cc2.log")"
fi
check pkg-config-build "$why"

# Without the module, both fail in one sentence: status 125.
for kind in shared static; do
	why=
	if [ -e /dev/lguest ]; then
		check "run-$kind" ""
		continue
	fi
	LD_LIBRARY_PATH=$tmp/root/opt/lguest/lib "$tmp/ex-$kind" --raw > "$tmp/out" 2> "$tmp/err"
	rc=$?
	[ $rc = 125 ] || why="status $rc, want 125; "
	grep -q '^lgexample: lg_run_raw: /dev/lguest not found: load the module first' "$tmp/err" ||
		why="${why}stderr '$(head -c 200 "$tmp/err")'"
	[ "$kind" = static ] || LD_LIBRARY_PATH=$tmp/root/opt/lguest/lib ldd "$tmp/ex-shared" | grep -q "liblguest.so.1 =>" ||
		why="${why}not linked to liblguest.so.1"
	check "run-$kind" "$why"
done

# The shared library's exports are exactly liblguest.h's functions.
want=$(sed -n 's/^[a-z].* \**\(lg_[a-z_]*\)(.*/\1/p' "$lg/liblguest.h" | sort)
got=$(nm -D --defined-only "$tmp/root/opt/lguest/lib/liblguest.so.1" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort)
if [ "$want" = "$got" ]; then
	check exports ""
else
	check exports "exported $(echo $got | head -c 300), header declares $(echo $want | head -c 300)"
fi
