# SPDX-License-Identifier: GPL-2.0
# linux-shadow: the test host's own kernel boots to init with shadow paging
# (--paging shadow: no nested paging, the module's shadow MMU) and passes
# boot-check as in linux-boot; the module's debugfs says "paging shadow".
. "$LG_TOP/tests/host/lib.sh"

load_lguest
step "boot $(basename "$LG_GUEST_KERNEL") to init with --paging shadow, lgtest=boot-check"
LG_LINUX_TIMEOUT=${LG_LINUX_TIMEOUT:-200}
run_linux shadow boot-check --paging shadow -v
grep -q "^lguest: paging: shadow" /tmp/shadow.err || fail "launcher -v did not say 'paging: shadow'"
sed -i '/^lguest: /d' /tmp/shadow.err
expect_linux_pass shadow boot-check
echo "linux-shadow: init after $(lg_secs "$(linux_at shadow @@START)" "$(linux_at shadow "@@GUEST init reached")") s"
