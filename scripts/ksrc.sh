# SPDX-License-Identifier: GPL-2.0
# ksrc.sh - sourced by the scripts that build a kernel from Debian's
# linux-source (debug-kernel.sh, intree-kernel.sh, guest-kernel.sh): find
# the installed headers' version and unpack the matching source, once.
# The sourcing script defines die() and sets top=.

. "$top/scripts/pkgs.sh"

# ksrc_kver: the test host's kernel release (KVER of build/config.mk).
ksrc_kver() {
	_kv=$(sed -n 's/^KVER := //p' "$top/build/config.mk" 2>/dev/null) ||
		die "no build/config.mk: run make first"
	[ -n "$_kv" ] || die "no KVER in build/config.mk: run make first"
	echo "$_kv"
}

# ksrc_version: the Debian version of the headers package, e.g. 6.1.192-3.
ksrc_version() {
	dpkg-query -W -f='${Version}' "linux-headers-$(ksrc_kver)" ||
		die "linux-headers-$(ksrc_kver) is not installed"
}

# ksrc_unpack DIR: unpack linux-source-6.1 at the headers' version (or,
# when the archive has only another Debian revision of the same upstream
# release, that one) into DIR/linux-source-6.1, unless it already is;
# print the tree's path.  Messages go to stderr.
ksrc_unpack() {
	_ver=$(ksrc_version)
	_up=${_ver%-*}
	_tar=/usr/src/linux-source-6.1.tar.xz
	_have=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)
	if [ "${_have%-*}" != "$_up" ] || [ ! -f "$_tar" ]; then
		[ "$(id -u)" = 0 ] || die "need linux-source-6.1=$_ver (run as root, or install it)"
		echo "ksrc: installing linux-source-6.1 $_ver" >&2
		if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				"linux-source-6.1=$_ver" >/dev/null; then
			apt-get update -qq
			_c=$(apt-cache madison linux-source-6.1 | awk -v u="$_up" \
				'{ v = $3; sub(/-[^-]*$/, "", v) } v == u { print $3; exit }')
			[ -n "$_c" ] || die "no linux-source-6.1 of upstream version $_up"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				"linux-source-6.1=$_c" >/dev/null
		fi
		_have=$(dpkg-query -W -f='${Version}' linux-source-6.1)
	fi
	mkdir -p "$1"
	if [ ! -f "$1/source.version" ] || [ "$(cat "$1/source.version")" != "$_have" ] ||
			[ ! -f "$1/linux-source-6.1/Makefile" ]; then
		echo "ksrc: unpacking linux-source-6.1 $_have into $1" >&2
		rm -rf "$1/linux-source-6.1" "$1/source.version"
		(cd "$1" && nice -n 19 tar xf "$_tar")
		echo "$_have" > "$1/source.version"
	fi
	echo "$1/linux-source-6.1"
}

# ksrc_fragment_missing FRAG: in a configured tree (the current
# directory), print the options whose "CONFIG_X=V" or "# CONFIG_X is not
# set" line of the config fragment FRAG did not survive into .config
# (an unmet dependency, a misspelt name).
ksrc_fragment_missing() {
	grep -E '^(CONFIG_[A-Z0-9_]+=.*|# CONFIG_[A-Z0-9_]+ is not set)$' "$1" |
	while read -r _l; do
		case "$_l" in
		"# "*) _o=${_l#\# }; _o=${_o%% *}
		       if grep -q "^$_o=" .config; then echo "$_o"; fi
		       ;;
		*)     if ! grep -q -x "$_l" .config; then echo "${_l%%=*}"; fi
		       ;;
		esac
	done
}
