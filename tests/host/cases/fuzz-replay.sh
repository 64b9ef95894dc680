# SPDX-License-Identifier: GPL-2.0
# fuzz-replay: guests the fuzzers once found harmful to the host, replayed
# from their seed and index (guest_fuzz --seed S --only I); each must end
# (killed, powered off or timed out), and the host must stay clean and
# responsive.  A row per finding: seed, index, what it did.
. "$LG_TOP/tests/host/lib.sh"

load_lguest dev
while read -r seed idx what; do
	case $seed in ''|'#'*) continue ;; esac
	step "guest_fuzz --seed $seed --only $idx: $what"
	timeout -k 2 30 "$LG_TOP/tests/fuzz/guest_fuzz" --seed "$seed" --only "$idx" \
		--limit 3 > /tmp/fuzz-replay.out 2>&1
	rc=$?
	sed 's/^/  /' /tmp/fuzz-replay.out
	[ $rc != 124 ] && [ $rc != 137 ] || fail "seed $seed guest $idx: still running after 30 s"
	grep -q "^guest $idx: " /tmp/fuzz-replay.out || fail "seed $seed guest $idx: no result"
	grep -q ' 1 crashed$' /tmp/fuzz-replay.out && fail "seed $seed guest $idx: the launcher crashed"
done <<'END'
# 2026-12-06: under nested paging, MOV to CR0 clears PG from 64-bit code
# (TCG allows it), then MOV to CR4 clears PAE: EFER.LME with PG and PAE
# off, which hung the test host's CPU at #VMEXIT (lg_lme_without_pae()).
20261209 204 LME with PG and PAE off
END
rmmod lguest_dev lguest || fail "rmmod failed"
echo "fuzz-replay: ok"
