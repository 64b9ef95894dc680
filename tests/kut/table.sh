#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# table.sh - print Documentation/kvm-unit-tests.rst's results table from the
# last runs' serial logs (build/logs/kut-{kvm,npt,shadow}.log: make kut-kvm
# and make kut) and the reasons in tests/kut/expect.tsv: one row per entry,
# its verdict on KVM, on lguest with nested and with shadow paging, and why
# lguest's differ from KVM's or fail (where we pass and KVM does not: what
# KVM printed).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2

for m in kvm npt shadow; do
	[ -f "build/logs/kut-$m.log" ] || { echo "table.sh: no build/logs/kut-$m.log" >&2; exit 2; }
done
cat build/logs/kut-kvm.log build/logs/kut-npt.log build/logs/kut-shadow.log |
	tr -d '\r' | grep -a '^@@KUT ' |
	awk -v expf="tests/kut/expect.tsv" '
	BEGIN {
		FS = "\t"
		while ((getline l < expf) > 0) {
			if (l ~ /^#/ || l == "") continue
			split(l, f, "\t")
			pat[++np] = f[1]; why[np] = f[4]
		}
		FS = " "
	}
	{
		if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
		v[$2, $3] = $4
		d = $0; sub(/^@@KUT [^ ]+ [^ ]+ [^ ]+ ?/, "", d); det[$2, $3] = d
	}
	function reason(t,   i, p) {
		for (i = 1; i <= np; i++) {
			p = "^" pat[i] "$"; gsub(/\*/, ".*", p)
			if (t ~ p) return why[i]
		}
		return ""
	}
	END {
		w = "=========================================="
		printf "%s ====== ====== ====== %s\n", substr(w, 1, 42), w w
		printf "%-42s %-6s %-6s %-6s %s\n", "test", "KVM", "NPT", "shadow", "why lguest differs"
		printf "%s ====== ====== ====== %s\n", substr(w, 1, 42), w w
		for (i = 1; i <= n; i++) {
			t = order[i]
			k = v[t, "kvm"]; a = v[t, "npt"]; s = v[t, "shadow"]
			r = ""
			if (a != k || s != k || a == "FAIL" || s == "FAIL") {
				r = reason(t)
				# Not booted: the SKIP line itself says why.
				if (r == "" && a == "SKIP") r = det[t, "npt"]
				if (k != "PASS" && (a == "PASS" || s == "PASS"))
					r = (r == "" ? "" : r "; ") "KVM: " det[t, "kvm"]
				if (r == "") r = "-"
			}
			printf "%-42s %-6s %-6s %-6s %s\n", t, k, a, s, r
		}
		printf "%s ====== ====== ====== %s\n", substr(w, 1, 42), w w
	}'
