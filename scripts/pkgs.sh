# SPDX-License-Identifier: GPL-2.0
# pkgs.sh - sourced by deps.sh and debug-kernel.sh: install the Debian
# packages a step needs and this machine lacks.  The sourcing script
# defines die() (its own "lguest: STEP:" prefix).

# ensure_pkgs STEP PKG...: apt-get install those of PKG not installed
# (root only; anyone else is told what is missing).
ensure_pkgs() {
	_step=$1
	shift
	_missing=
	for _p in "$@"; do
		dpkg-query -W -f='${Status}' "$_p" 2>/dev/null | grep -q 'ok installed' ||
			_missing="$_missing $_p"
	done
	[ -n "$_missing" ] || return 0
	[ "$(id -u)" = 0 ] || die "missing packages:$_missing (run as root, or install them)"
	echo "$_step: installing$_missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $_missing >/dev/null
}
